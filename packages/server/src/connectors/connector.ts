/** One message handed to one recipient; `id` (the `webhook-id`) stays the same across attempts. */
export interface Delivery {
  id: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** The JSON document the connector hands over. */
  payload: DeliveryPayload;
}

/** What an external system receives for a message a teammate sent from Front. */
export interface DeliveryPayload {
  type: 'message.created';
  delivery_id: string;
  message_id: string;
  account_id: string;
  channel_id: string;
  /** The recipient this delivery is for (one delivery per `to` recipient). */
  recipient: string;
  recipients: Array<{ handle: string; role: string; name: string | null }>;
  subject: string | null;
  text: string | null;
  html: string | null;
  attachments: Array<{ filename: string; content_type: string; size: number | null; url: string }>;
  external_id: string;
  external_conversation_id: string;
  is_auto_reply: boolean;
  created_at: string;
}

/** The account a delivery belongs to, as a connector needs it. */
export interface DeliveryAccount {
  id: string;
  name: string;
  deliverUrl: string | null;
  /** Standard Webhooks secret (`whsec_…`) the receiver verifies with. */
  signingSecret: string;
}

/** What a connector may use besides the delivery itself. */
export interface DeliveryContext {
  account: DeliveryAccount;
  fetch: typeof globalThis.fetch;
  now: () => number;
  timeoutMs: number;
}

/** How one attempt ended. `retry` is tried again later; `failed` is reported to Front. */
export type DeliveryOutcome =
  | { outcome: 'delivered' }
  | { outcome: 'retry'; reason: string; retryAfterMs?: number }
  | { outcome: 'failed'; reason: string };

/** Hands messages to an external system. Register one by name in `startServer({ connectors })`. */
export interface Connector {
  deliver(delivery: Delivery, context: DeliveryContext): Promise<DeliveryOutcome>;
}
