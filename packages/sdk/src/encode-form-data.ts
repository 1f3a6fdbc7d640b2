/** A file to send with a message or call recording. */
export interface AttachmentInput {
  /** File name shown in Front; path separators are stripped, an extension is added when missing. */
  filename?: string;
  /** MIME type, e.g. `image/jpeg`. */
  contentType: string;
  /** The file's bytes. */
  data: Uint8Array | Blob;
}

type FieldValue = string | number | boolean | null | undefined | FieldObject | FieldValue[];
interface FieldObject {
  [key: string]: FieldValue;
}

const EXTENSIONS: Record<string, string> = {
  'application/json': 'json',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/ogg': 'ogg',
  'audio/wav': 'wav',
  'audio/webm': 'weba',
  'image/gif': 'gif',
  'image/heic': 'heic',
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/svg+xml': 'svg',
  'image/webp': 'webp',
  'text/csv': 'csv',
  'text/html': 'html',
  'text/plain': 'txt',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
};

/**
 * Builds the `multipart/form-data` body of a Channel API call: one field per JSON property, named
 * with brackets (`sender[handle]`, `to[0][handle]`), then the files as `attachments[0]`, … The
 * platform encoder picks the boundary, so the caller must not set `Content-Type` itself.
 */
export function encodeFormData(
  fields: FieldObject,
  attachments: readonly AttachmentInput[],
  fileField: (index: number) => string = (index) => `attachments[${index}]`,
): FormData {
  const form = new FormData();
  appendFields(form, '', fields);
  attachments.forEach((attachment, index) => {
    const blob =
      attachment.data instanceof Blob
        ? attachment.data.slice(0, attachment.data.size, attachment.contentType)
        : new Blob([ownBuffer(attachment.data)], { type: attachment.contentType });
    form.append(fileField(index), blob, attachmentFilename(attachment, index));
  });
  return form;
}

/**
 * A safe file name: the last path component (no `/` or `\`), control characters removed, UTF-8
 * kept, and an extension from the content type when the name has none.
 */
export function attachmentFilename(attachment: AttachmentInput, index: number): string {
  const base = (attachment.filename ?? '').split(/[/\\]/).pop() ?? '';
  // Control characters (and quotes) would break the Content-Disposition header line.
  const cleaned = [...base]
    .filter((char) => char !== '"' && char.charCodeAt(0) > 0x1f && char.charCodeAt(0) !== 0x7f)
    .join('')
    .trim();
  const name =
    cleaned === '' || cleaned === '.' || cleaned === '..' ? `attachment-${index + 1}` : cleaned;
  if (/\.[^.]+$/.test(name)) return name;

  const extension = extensionFor(attachment.contentType);
  return extension ? `${name}.${extension}` : name;
}

/** The usual extension of a MIME type, e.g. `jpeg` for `image/jpeg; charset=…`. */
export function extensionFor(contentType: string): string | undefined {
  const mime = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  const known = EXTENSIONS[mime];
  if (known) return known;

  // For unlisted types the subtype is usually the extension (`image/avif`), unless it is a
  // vendor or structured name that would make a silly one.
  const subtype = mime.split('/')[1] ?? '';
  return /^[a-z0-9]{2,5}$/.test(subtype) && subtype !== 'octet' ? subtype : undefined;
}

// Blob takes only ArrayBuffer-backed views; a view on shared memory is copied first.
function ownBuffer(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return data.buffer instanceof ArrayBuffer
    ? (data as Uint8Array<ArrayBuffer>)
    : new Uint8Array(data);
}

function appendFields(form: FormData, prefix: string, value: FieldValue): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) appendFields(form, `${prefix}[${index}]`, item);
    return;
  }
  if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      appendFields(form, prefix ? `${prefix}[${key}]` : key, item);
    }
    return;
  }
  form.append(prefix, String(value));
}
