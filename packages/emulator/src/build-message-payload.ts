import type { EmulatorContext } from './emulator-context.ts';
import type { EmulatorMessage } from './emulator-state.ts';

/** The teammate every message composed in the emulator is written by. */
export const EMULATOR_TEAMMATE = {
  id: 'tea_emulator',
  email: 'teammate@frontbridge.test',
  username: 'teammate',
  first_name: 'Emulator',
  last_name: 'Teammate',
};

/**
 * Renders a stored message as the Core API Message resource Front puts in `message` and
 * `message_imported` events. Links point back at the emulator, so attachment URLs download.
 */
export function buildMessagePayload(
  context: EmulatorContext,
  message: EmulatorMessage,
): Record<string, unknown> {
  const base = context.baseUrl;
  const text = message.text;
  return {
    _links: {
      self: `${base}/messages/${message.id}`,
      related: {
        conversation: `${base}/conversations/${message.conversationId}`,
        message_replied_to: message.repliedToId ? `${base}/messages/${message.repliedToId}` : null,
        message_seen: `${base}/messages/${message.id}/seen`,
      },
    },
    id: message.id,
    message_uid: message.uid ?? message.id.replace(/^msg_/, ''),
    type: 'custom',
    is_inbound: message.direction === 'inbound',
    draft_mode: null,
    error_type: message.errorType ?? null,
    version: `${message.id}-${message.createdAt}`,
    created_at: message.createdAt / 1000,
    subject: message.subject ?? '',
    blurb: text.slice(0, 100),
    body: `<p>${escapeHtml(text)}</p>`,
    text,
    author: message.source === 'teammate' ? buildAuthor(base) : null,
    recipients: buildRecipients(context, message),
    attachments: buildAttachments(base, message),
    signature: null,
    metadata: message.externalId ? { external_id: message.externalId } : {},
    is_draft: false,
  };
}

/** The reduced payload of `message_autoreply`: no id, no author, type `auto_reply`. */
export function buildAutoReplyPayload(
  context: EmulatorContext,
  message: EmulatorMessage,
): Record<string, unknown> {
  const full = buildMessagePayload(context, message);
  const base = context.baseUrl;
  return {
    _links: {
      related: {
        conversation: `${base}/conversations/${message.conversationId}`,
        message_replied_to: message.repliedToId ? `${base}/messages/${message.repliedToId}` : null,
      },
    },
    type: 'auto_reply',
    is_inbound: false,
    created_at: full.created_at,
    subject: full.subject,
    body: full.body,
    text: full.text,
    recipients: full.recipients,
    attachments: full.attachments,
  };
}

function buildAuthor(base: string) {
  return {
    _links: { self: `${base}/teammates/${EMULATOR_TEAMMATE.id}` },
    ...EMULATOR_TEAMMATE,
    is_admin: false,
    is_available: true,
    is_blocked: false,
    type: 'user',
    custom_fields: {},
  };
}

function buildRecipients(context: EmulatorContext, message: EmulatorMessage) {
  return message.recipients.map((recipient) => {
    const contact = context.state.contacts.get(recipient.handle);
    return {
      _links: {
        related: { contact: contact ? `${context.baseUrl}/contacts/${contact.id}` : null },
      },
      name: recipient.name ?? contact?.name ?? null,
      handle: recipient.handle,
      role: recipient.role,
    };
  });
}

function buildAttachments(base: string, message: EmulatorMessage) {
  return message.attachments.map((attachment) => ({
    id: attachment.id,
    filename: attachment.filename,
    url: `${base}/messages/${message.id}/download/${attachment.id}`,
    content_type: attachment.contentType,
    size: attachment.data.length,
    metadata: { is_inline: false },
  }));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
