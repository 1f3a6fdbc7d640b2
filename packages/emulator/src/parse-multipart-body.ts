import type { FastifyRequest } from 'fastify';
import { FrontHttpError } from './front-error.ts';

/** A file part of a multipart request. */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A multipart body turned back into the JSON shape it stands for, plus its files. */
export interface MultipartBody {
  fields: Record<string, unknown>;
  files: UploadedFile[];
}

const NAME_PATTERN = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;
const FILE_FIELDS = /^attachments(\[\d*\])?$/;
const NESTED_FIELDS = new Set(['sender', 'metadata', 'to', 'from']);

/** Rejects a multipart Content-Type without boundary before the parser trips over it. */
export function assertBoundary(contentType: string | undefined): void {
  if (!/;\s*boundary=("?)[^";]+\1/i.test(contentType ?? '')) {
    throw new FrontHttpError(
      400,
      'multipart/form-data needs a boundary parameter in Content-Type. Let the HTTP client set ' +
        'the header (do not write it by hand).',
    );
  }
}

/**
 * Reads a multipart body with bracket field names (`sender[handle]`, `to[0][handle]`,
 * `attachments[]`) into nested fields and files, enforcing the total size cap.
 *
 * @throws {FrontHttpError} 400 naming a malformed field, 413 past `maxBytes`.
 */
export async function parseMultipartBody(
  request: FastifyRequest,
  maxBytes: number,
): Promise<MultipartBody> {
  assertBoundary(request.headers['content-type']);
  const body: MultipartBody = { fields: {}, files: [] };
  const raw = tapRawBody(request, maxBytes);
  let total = 0;
  try {
    for await (const part of request.parts({ limits: { fileSize: maxBytes } })) {
      if (part.type === 'file') {
        if (!FILE_FIELDS.test(part.fieldname)) {
          throw new FrontHttpError(
            400,
            `File part "${part.fieldname}" must be named attachments[].`,
          );
        }
        const data = await part.toBuffer();
        total += data.length;
        if (total > maxBytes) throw tooLarge(maxBytes);
        body.files.push({
          field: part.fieldname,
          filename: part.filename,
          contentType: part.mimetype,
          data,
        });
      } else {
        total += String(part.value).length;
        setField(body.fields, part.fieldname, String(part.value));
      }
    }
  } catch (error) {
    throw translateMultipartError(error, maxBytes);
  } finally {
    raw.stop();
  }
  applyExtendedFilenames(body.files, raw.text());
  return body;
}

// RFC 6266: `filename*` wins over `filename`. The multipart parser keeps the plain one when a
// client sends both (the usual ASCII fallback), and hides part headers, so read the dispositions
// from a copy of the raw bytes (the parser still gets every chunk; this only listens).
function tapRawBody(request: FastifyRequest, maxBytes: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    if (size > maxBytes) return;
    chunks.push(chunk);
    size += chunk.length;
  };
  request.raw.on('data', onData);
  return {
    stop: () => request.raw.off('data', onData),
    text: () => Buffer.concat(chunks).toString('latin1'),
  };
}

function applyExtendedFilenames(files: UploadedFile[], raw: string): void {
  const dispositions = [...raw.matchAll(/content-disposition:[^\r\n]*filename[^\r\n]*/gi)];
  files.forEach((file, index) => {
    const extended = extendedFilename(dispositions[index]?.[0]);
    if (extended !== undefined) file.filename = extended;
  });
}

/** Places `value` at the path a bracket name describes. Exported for unit tests. */
export function setField(target: Record<string, unknown>, name: string, value: string): void {
  const path = fieldPath(name);
  const [head] = path;
  if (path.length === 1 && head && NESTED_FIELDS.has(head) && /^\s*[[{]/.test(value)) {
    throw new FrontHttpError(
      400,
      `Field "${head}" was sent as one JSON part. Send each property as its own field in ` +
        `bracket notation, e.g. ${head}[external_id] or to[0][handle].`,
    );
  }
  let node: Record<string, unknown> | unknown[] = target;
  checkIndexes(name, path);
  path.forEach((segment, index) => {
    const last = index === path.length - 1;
    const key = segment === '' && Array.isArray(node) ? String(node.length) : segment;
    if (last) {
      (node as Record<string, unknown>)[key] = value;
      return;
    }
    const nextIsIndex = /^\d*$/.test(path[index + 1] ?? '');
    const existing = (node as Record<string, unknown>)[key];
    const child = existing ?? (nextIsIndex ? [] : {});
    (node as Record<string, unknown>)[key] = child;
    node = child as Record<string, unknown>;
  });
}

// An index is a position in a real list (recipients, attachments), so it stays small; a name such
// as `to[99999999][handle]` would otherwise grow a sparse array that validation walks for minutes.
const MAX_FIELD_INDEX = 999;

function checkIndexes(name: string, path: string[]): void {
  if (path.some((segment) => /^\d+$/.test(segment) && Number(segment) > MAX_FIELD_INDEX)) {
    throw new FrontHttpError(
      400,
      `Field "${name}" uses an index above ${MAX_FIELD_INDEX}; number list items from 0.`,
    );
  }
}

function fieldPath(name: string): string[] {
  const match = NAME_PATTERN.exec(name);
  if (!match?.[1]) throw new FrontHttpError(400, `Field name "${name}" is not valid.`);
  if (match[1].includes('.') && !match[2]) {
    const bracketed = match[1].replace(/\.([^.]+)/g, '[$1]');
    throw new FrontHttpError(
      400,
      `Field "${name}" uses dot notation; multipart fields use bracket notation: ${bracketed}.`,
    );
  }
  const rest = [...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((found) => found[1] ?? '');
  for (const segment of [match[1], ...rest]) {
    if (segment === '__proto__' || segment === 'constructor' || segment === 'prototype') {
      throw new FrontHttpError(400, `Field name "${name}" is not allowed.`);
    }
  }
  return [match[1], ...rest];
}

function extendedFilename(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /;\s*filename\*\s*=\s*([\w-]+)'[^']*'([^;\s]+)/i.exec(header);
  if (!match?.[2] || !/^utf-?8$/i.test(match[1] ?? '')) return undefined;
  try {
    return decodeURIComponent(match[2]);
  } catch {
    throw new FrontHttpError(400, 'The filename* parameter is not valid percent-encoded UTF-8.');
  }
}

function translateMultipartError(error: unknown, maxBytes: number): unknown {
  if (error instanceof FrontHttpError) return error;
  const code = (error as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(maxBytes);
  const message = error instanceof Error ? error.message : String(error);
  return new FrontHttpError(400, `The multipart body could not be read: ${message}.`);
}

function tooLarge(maxBytes: number): FrontHttpError {
  return new FrontHttpError(413, `Attachments may total at most ${maxBytes} bytes.`);
}
