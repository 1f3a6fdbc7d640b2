import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signs and checks the links to Front attachments that go into deliveries. A link names the
 * message, the attachment's position and an expiry, and carries an HMAC over the three, so the
 * receiver needs no other credential and a leaked link stops working by itself.
 */
export class AttachmentLinks {
  readonly #key: Buffer;
  readonly #publicUrl: () => string;

  /** `publicUrl` is read on every link, so a server that learns its port late still links right. */
  constructor(options: { key: string | Buffer; publicUrl: () => string }) {
    this.#key = Buffer.from(options.key);
    this.#publicUrl = options.publicUrl;
  }

  /** Derives the signing key from the app secret, so every instance signs alike. */
  static deriveKey(appSecret: string): Buffer {
    return createHmac('sha256', appSecret).update('frontbridge attachment links v1').digest();
  }

  link(options: { messageId: string; index: number; expiresAt: number }): string {
    const { messageId, index, expiresAt } = options;
    const signature = this.#sign(messageId, index, expiresAt);
    const path = `/attachments/${encodeURIComponent(messageId)}/${index}`;
    return `${this.#publicUrl()}${path}?expires=${expiresAt}&signature=${signature}`;
  }

  isValid(options: {
    messageId: string;
    index: number;
    expires: string;
    signature: string;
    now: number;
  }): boolean {
    const expiresAt = Number(options.expires);
    if (!/^\d+$/.test(options.expires) || expiresAt < options.now) return false;
    const expected = Buffer.from(this.#sign(options.messageId, options.index, expiresAt));
    const received = Buffer.from(options.signature);
    return expected.length === received.length && timingSafeEqual(expected, received);
  }

  #sign(messageId: string, index: number, expiresAt: number): string {
    return createHmac('sha256', this.#key)
      .update(`${messageId}\n${index}\n${expiresAt}`)
      .digest('base64url');
  }
}
