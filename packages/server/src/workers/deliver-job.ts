import type { Delivery, DeliveryOutcome, DeliveryPayload } from '../connectors/connector.ts';
import type { JobResult } from '../queue/job-runner.ts';
import type { DeliveryRow, JobRow, MessageRow } from '../store/store.ts';
import { type FrontMessageContent, parseContent } from './message-content.ts';
import type { ServerContext } from './worker-context.ts';

/**
 * Hands one delivery to the account's connector. Retries until the configured period has passed
 * since the first attempt, then marks the message failed and queues the report to Front.
 */
export async function runDeliverJob(context: ServerContext, job: JobRow): Promise<JobResult> {
  const deliveryId = String(JSON.parse(job.payload).deliveryId);
  const work = await context.store.loadDelivery(deliveryId);
  if (work?.delivery.status !== 'pending' || work.channel.status === 'deleted') {
    return { type: 'done' };
  }
  const { delivery, message, account } = work;

  const connector = context.connectors[account.connector];
  if (!connector) return fail(context, { delivery, message, reason: 'Unknown connector' });

  const now = context.now();
  const firstAttemptAt = delivery.first_attempt_at ?? now;
  const attempt = delivery.attempts + 1;
  const outcome = await connector
    .deliver(
      { id: delivery.id, attempt, payload: buildPayload(context, message, delivery) },
      {
        account: {
          id: account.id,
          name: account.name,
          deliverUrl: account.deliver_url,
          signingSecret: account.signing_secret,
        },
        fetch: context.fetch,
        now: context.now,
        timeoutMs: context.config.deliveryTimeoutMs,
      },
    )
    // A connector that throws is retried like one that asks to be, within the same period.
    .catch((): DeliveryOutcome => ({ outcome: 'retry', reason: 'The connector threw an error' }));
  context.metrics.deliveryAttempts.inc({ outcome: outcome.outcome });
  const progress = { attempts: attempt, first_attempt_at: firstAttemptAt };

  if (outcome.outcome === 'delivered') {
    const deliveredAt = context.now();
    const patch = { ...progress, delivered_at: deliveredAt, last_error: null };
    // The job is completed in the same commit, when this worker still holds its lease.
    const lease = job.lease_owner ? { id: job.id, owner: job.lease_owner } : undefined;
    await context.store.markDelivered(delivery.id, patch, deliveredAt, lease);
    return lease ? { type: 'settled' } : { type: 'done' };
  }
  if (outcome.outcome === 'failed') {
    await context.store.updateDelivery(delivery.id, progress);
    return fail(context, { delivery, message, reason: outcome.reason });
  }

  const delayMs = Math.max(context.backoffMs(attempt), outcome.retryAfterMs ?? 0);
  if (context.now() + delayMs - firstAttemptAt > context.config.deliveryRetryPeriodMs) {
    await context.store.updateDelivery(delivery.id, progress);
    return fail(context, { delivery, message, reason: `Gave up retrying: ${outcome.reason}` });
  }
  await context.store.updateDelivery(delivery.id, { ...progress, last_error: outcome.reason });
  context.logger.info(
    { deliveryId: delivery.id, attempt, delayMs, reason: outcome.reason },
    'delivery will be retried',
  );
  return { type: 'retry', error: outcome.reason, delayMs };
}

function buildPayload(
  context: ServerContext,
  message: MessageRow,
  delivery: DeliveryRow,
): DeliveryPayload {
  const content = parseContent(message.content) as FrontMessageContent;
  const expiresAt = context.now() + context.config.attachmentLinkTtlMs;
  return {
    type: 'message.created',
    delivery_id: delivery.id,
    message_id: message.id,
    account_id: message.account_id,
    channel_id: message.channel_id,
    recipient: delivery.recipient,
    recipients: content.recipients,
    subject: content.subject,
    text: content.text,
    html: content.html,
    attachments: content.attachments.map((attachment, index) => ({
      filename: attachment.filename,
      content_type: attachment.content_type,
      size: attachment.size,
      url: context.attachmentLinks.link({ messageId: message.id, index, expiresAt }),
    })),
    external_id: message.external_id,
    external_conversation_id: message.external_conversation_id,
    is_auto_reply: content.isAutoReply,
    created_at: new Date(message.created_at).toISOString(),
  };
}

async function fail(
  context: ServerContext,
  failure: { delivery: DeliveryRow; message: MessageRow; reason: string },
): Promise<JobResult> {
  const { delivery, message, reason } = failure;
  await context.store.updateDelivery(delivery.id, { status: 'failed', last_error: reason });
  await context.store.updateMessage(message.id, {
    status: 'failed',
    last_error: reason,
    updated_at: context.now(),
  });
  // One report per message, however many of its recipients failed.
  await context.store.enqueueJobs([
    {
      kind: 'report_failure',
      key: `report_failure:${message.id}`,
      channelId: message.channel_id,
      payload: { messageId: message.id, reason },
      runAt: context.now(),
    },
  ]);
  context.logger.warn(
    { deliveryId: delivery.id, messageId: message.id, reason },
    'delivery failed',
  );
  return { type: 'done' };
}

export type { Delivery };
