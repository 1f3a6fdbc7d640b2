import { ApiError, RateLimitError } from '@frontbridge/sdk';
import type { JobResult } from '../queue/job-runner.ts';
import type { JobRow } from '../store/store.ts';
import type { ServerContext } from './worker-context.ts';

const MAX_REPORT_ATTEMPTS = 20;
// Front shows the reason to teammates; keep it short.
const MAX_REASON_LENGTH = 500;

/** Tells Front that a message it handed over could not be delivered (the status endpoint). */
export async function runReportFailureJob(context: ServerContext, job: JobRow): Promise<JobResult> {
  const { messageId, reason } = JSON.parse(job.payload) as { messageId: string; reason: string };
  const message = await context.store.getMessage(messageId);
  const channel = message && (await context.store.getChannel(message.channel_id));
  if (!message || !channel || channel.status === 'deleted') return { type: 'done' };

  try {
    await context.front.updateMessageStatus(message.channel_id, {
      externalConversationId: message.external_conversation_id,
      externalId: message.external_id,
      status: 'failed',
      reason: reason.slice(0, MAX_REASON_LENGTH),
    });
  } catch (error) {
    return retryOrGiveUp(job, error, context.config.retryMaxDelayMs);
  }
  context.logger.info({ messageId }, 'failure reported to front');
  return { type: 'done' };
}

/** Shared by the jobs that call Front: 4xx (except 429) is final, the rest is worth retrying. */
export function retryOrGiveUp(job: JobRow, error: unknown, maxDelayMs: number): JobResult {
  const message = error instanceof Error ? error.message : String(error);
  const final =
    error instanceof ApiError &&
    !(error instanceof RateLimitError) &&
    error.status >= 400 &&
    error.status < 500;
  if (final || job.attempts >= MAX_REPORT_ATTEMPTS || isValidationError(error)) {
    return { type: 'failed', error: message };
  }
  const retryAfterMs = error instanceof RateLimitError ? error.retryAfterMs : undefined;
  return retryAfterMs === undefined
    ? { type: 'retry', error: message }
    : { type: 'retry', error: message, delayMs: Math.min(retryAfterMs, maxDelayMs) };
}

function isValidationError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'validation_error';
}
