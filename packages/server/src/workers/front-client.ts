import { ChannelApiClient } from '@frontbridge/sdk';

/** A contact in a sync call. */
export interface SyncContact {
  handle: string;
  name?: string;
}

interface SyncFields {
  subject?: string;
  body: string;
  metadata: { external_id: string; external_conversation_id: string };
  delivered_at?: number;
  attachments?: Array<{ filename?: string; contentType: string; data: Uint8Array }>;
}

/** The part of the SDK's `ChannelApiClient` the server uses; tests may pass their own. */
export interface FrontClient {
  syncInboundMessage(
    channelId: string,
    message: SyncFields & { sender: SyncContact },
    options?: { phoneHandles?: boolean },
  ): Promise<{ message_uid: string }>;
  syncOutboundMessage(
    channelId: string,
    message: SyncFields & { to: SyncContact[]; sender_name?: string },
    options?: { phoneHandles?: boolean },
  ): Promise<{ message_uid: string }>;
  updateMessageStatus(
    channelId: string,
    update: {
      externalConversationId: string;
      externalId: string;
      status: 'failed';
      reason?: string;
    },
  ): Promise<void>;
  downloadAttachment(
    channelId: string,
    url: string,
  ): Promise<{ data: Uint8Array; contentType: string; filename?: string }>;
}

export interface CreateFrontClientOptions {
  appUid: string;
  appSecret: string;
  baseUrl: string;
  fetch: typeof globalThis.fetch;
  now: () => number;
  /** Waits between the client's own retries; default a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Requests per second per channel this process starts (the SDK's in-process pacer). */
  requestsPerSecondPerChannel?: number;
  /** Called before each retry the client makes, for logs and metrics. */
  onRetry?: (event: { reason: string; channelId: string; attempt: number }) => void;
}

/** The SDK client every call to Front goes through (JWT per attempt, pacing, 429 handling). */
export function createFrontClient(options: CreateFrontClientOptions): FrontClient {
  return new ChannelApiClient({
    appUid: options.appUid,
    appSecret: options.appSecret,
    baseUrl: options.baseUrl,
    fetch: options.fetch,
    now: options.now,
    // The queue retries across restarts; in-call retries only ride out short 429 bursts.
    maxAttempts: 4,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    ...(options.requestsPerSecondPerChannel
      ? { requestsPerSecondPerChannel: options.requestsPerSecondPerChannel }
      : {}),
  });
}
