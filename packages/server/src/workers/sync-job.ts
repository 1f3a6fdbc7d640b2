import type { JobResult } from '../queue/job-runner.ts';
import type { JobRow, MessageRow } from '../store/store.ts';
import type { FrontClient } from './front-client.ts';
import { type ApiMessageContent, parseContent } from './message-content.ts';
import { retryOrGiveUp } from './report-failure-job.ts';
import type { ServerContext } from './worker-context.ts';

/**
 * Syncs a message the external system reported into Front. The message's `external_id` is sent
 * on every attempt, so Front sees a repeat as the same message.
 */
export async function runSyncJob(context: ServerContext, job: JobRow): Promise<JobResult> {
  const { messageId } = JSON.parse(job.payload) as { messageId: string };
  const message = await context.store.getMessage(messageId);
  const channel = message && (await context.store.getChannel(message.channel_id));
  if (!message || !channel || channel.status === 'deleted') return { type: 'done' };
  if (message.status !== 'queued') return { type: 'done' };

  let messageUid: string;
  try {
    messageUid = (await syncMessage(context, message)).message_uid;
  } catch (error) {
    context.metrics.syncAttempts.inc({ outcome: 'error' });
    const result = retryOrGiveUp(job, error, context.config.retryMaxDelayMs);
    if (result.type === 'failed') {
      await markFailed(context, message, { reason: result.error, cause: error });
    }
    return result;
  }

  context.metrics.syncAttempts.inc({ outcome: 'accepted' });
  // Front has the message now. If recording that fails (database restarting), a rerun of this job
  // would sync it twice, so keep trying to record it for half a lease before giving up.
  await persistUntil(context, context.now() + context.config.jobLeaseMs / 2, async () => {
    const current = await context.store.getMessage(message.id);
    // message_imported may have raced ahead of this answer; never step back from `imported`.
    await context.store.updateMessage(message.id, {
      message_uid: messageUid,
      status: current?.status === 'imported' ? 'imported' : 'synced',
      last_error: null,
      updated_at: context.now(),
    });
  });
  return { type: 'done' };
}

async function persistUntil(context: ServerContext, deadline: number, write: () => Promise<void>) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      const delayMs = context.backoffMs(attempt);
      if (context.now() + delayMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

async function syncMessage(context: ServerContext, message: MessageRow) {
  const content = parseContent(message.content) as ApiMessageContent;
  const attachments = await context.store.listAttachments(message.id);
  const fields = {
    body: content.body,
    metadata: {
      external_id: message.external_id,
      external_conversation_id: message.external_conversation_id,
    },
    ...(content.subject ? { subject: content.subject } : {}),
    ...(content.deliveredAt ? { delivered_at: content.deliveredAt } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
  };
  const front: FrontClient = context.front;
  if (message.direction === 'inbound') {
    return front.syncInboundMessage(message.channel_id, {
      ...fields,
      sender: {
        handle: message.contact_handle,
        ...(content.senderName ? { name: content.senderName } : {}),
      },
    });
  }
  return front.syncOutboundMessage(message.channel_id, {
    ...fields,
    to: content.to.map((handle) => ({ handle })),
    ...(content.senderName ? { sender_name: content.senderName } : {}),
  });
}

async function markFailed(
  context: ServerContext,
  message: MessageRow,
  failure: { reason: string; cause: unknown },
) {
  await context.store.updateMessage(message.id, {
    status: 'failed',
    last_error: failure.reason,
    updated_at: context.now(),
  });
  context.logger.warn({ messageId: message.id, ...failureFields(failure.cause) }, 'sync failed');
}

// Front's HTTP status (ApiError) and the error's stable code (`api_error`, `network_error`,
// `ECONNRESET`…) tell an operator what went wrong; the message and Front's body stay out of logs.
function failureFields(error: unknown): { status?: number; code?: string } {
  const { status, code } = (error ?? {}) as { status?: unknown; code?: unknown };
  return {
    ...(typeof status === 'number' ? { status } : {}),
    ...(typeof code === 'string' ? { code } : {}),
  };
}
