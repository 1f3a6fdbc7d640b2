import { AuthorizationAnswerSchema, checkAnswer } from './channel-responses.ts';
import { type EmulatorContext, notifyChange } from './emulator-context.ts';
import type { EmulatorChannel } from './emulator-state.ts';
import { FrontHttpError } from './front-error.ts';
import { buildEventRequest, deliverEvent } from './send-webhook.ts';

/** What adding a channel produced: the new channel, or why the channel refused it. */
export type AuthorizeResult =
  | { ok: true; channel: EmulatorChannel; durationMs: number }
  | { ok: false; status: number | undefined; body: string | undefined; problems: string[] };

/**
 * Installs a channel as Front does: mints a channel id, sends the signed `authorization` event
 * with the admin's token as Bearer, and keeps the channel only on a valid `success` answer.
 */
export async function authorizeChannel(
  context: EmulatorContext,
  input: { token: string; channelUrl?: string | undefined; channelId?: string | undefined },
): Promise<AuthorizeResult> {
  const channelUrl = input.channelUrl ?? context.config.channelUrl;
  if (!channelUrl) {
    throw new FrontHttpError(400, 'channel_url is required (no default Channel URL configured).');
  }
  // A restarted emulator forgets its channels; asking for a known id lets a channel server that
  // kept its own state (and queued work for that id) carry on where it was.
  const id = input.channelId ?? context.newId('cha');
  if (context.state.channels.get(id)?.status === 'ok') {
    throw new FrontHttpError(409, `Channel ${id} already exists.`);
  }
  const request = buildEventRequest(
    context,
    { channel: { id, token: input.token }, url: channelUrl },
    { type: 'authorization', payload: { channel_id: id } },
  );
  const outcome = await deliverEvent(context, request);

  const problems = outcomeProblems(outcome);
  const answer = checkAnswer(AuthorizationAnswerSchema, outcome.text);
  if (problems.length > 0 || !answer.ok) {
    const all = problems.length > 0 || answer.ok ? problems : answer.problems;
    return { ok: false, status: outcome.status, body: outcome.text, problems: all };
  }

  const channel: EmulatorChannel = {
    id,
    channelUrl,
    webhookUrl: answer.data.webhook_url,
    token: input.token,
    status: 'ok',
    address: `${id}@channels.frontbridge.test`,
    createdAt: context.now(),
  };
  context.state.channels.set(id, channel);
  notifyChange(context, 'channels');
  return { ok: true, channel, durationMs: outcome.durationMs };
}

/** Removes a channel: sends the signed `DELETE` event, then forgets the channel whatever it said. */
export async function deleteChannel(context: EmulatorContext, channel: EmulatorChannel) {
  const request = buildEventRequest(
    context,
    { channel, url: channel.webhookUrl, method: 'DELETE' },
    { type: 'delete', payload: { channel_id: channel.id } },
  );
  const outcome = await deliverEvent(context, request);
  channel.status = 'deleted';
  notifyChange(context, 'channels');
  return outcome;
}

/** Transport-level problems of an answer: timeout, network error, non-2xx status. */
export function outcomeProblems(outcome: {
  status: number | undefined;
  timedOut: boolean;
  error: string | undefined;
}): string[] {
  if (outcome.error) return [outcome.error];
  if (outcome.status === undefined || outcome.status < 200 || outcome.status > 299) {
    return [`the channel answered HTTP ${outcome.status}`];
  }
  return [];
}
