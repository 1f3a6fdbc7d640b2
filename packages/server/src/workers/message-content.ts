/** What is kept of a message a teammate sent from Front (the `content` column). */
export interface FrontMessageContent {
  kind: 'front';
  subject: string | null;
  text: string | null;
  html: string | null;
  recipients: Array<{ handle: string; role: string; name: string | null }>;
  attachments: Array<{ filename: string; content_type: string; size: number | null; url: string }>;
  isAutoReply: boolean;
}

/** What is kept of a message the external system reported through the REST API. */
export interface ApiMessageContent {
  kind: 'api';
  from: string | null;
  to: string[];
  subject: string | null;
  body: string;
  senderName: string | null;
  /** Epoch seconds, as Front's sync endpoints want it. */
  deliveredAt: number | null;
  attachmentCount: number;
}

export type MessageContent = FrontMessageContent | ApiMessageContent;

export function parseContent(json: string): MessageContent {
  return JSON.parse(json) as MessageContent;
}
