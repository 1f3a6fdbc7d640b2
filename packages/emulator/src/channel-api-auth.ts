import type { FastifyRequest } from 'fastify';
import type { EmulatorContext } from './emulator-context.ts';
import { type EmulatorChannel, findChannel } from './emulator-state.ts';
import { FrontHttpError } from './front-error.ts';
import { type ChannelTokenClaims, verifyChannelToken } from './verify-channel-token.ts';

/** The JWT verdict of each Channel API request, for the exchange log. */
export const tokenVerdicts = new WeakMap<FastifyRequest, string>();
const verifiedClaims = new WeakMap<FastifyRequest, ChannelTokenClaims>();

/**
 * Checks the bearer token of a Channel API call (401 naming the failed check) and returns its
 * claims. The rate limit runs it before metering; later calls for the same request get the same
 * claims, since checking again would find the token's jti already used.
 */
export async function verifyRequestToken(
  context: EmulatorContext,
  request: FastifyRequest,
): Promise<ChannelTokenClaims> {
  const known = verifiedClaims.get(request);
  if (known) return known;

  let claims: ChannelTokenClaims;
  try {
    claims = await verifyChannelToken({
      authorization: request.headers.authorization,
      appUid: context.config.appUid,
      appSecret: context.config.appSecret,
      now: context.now(),
      usedJtis: context.usedJtis,
    });
  } catch (error) {
    tokenVerdicts.set(request, `token rejected: ${(error as Error).message}`);
    throw error;
  }
  verifiedClaims.set(request, claims);
  return claims;
}

/**
 * Authenticates a Channel API call and returns its channel: a valid token (401), a channel named
 * by the path that exists (404) and that the token's `sub` names (403). Without a path channel,
 * `sub` must name an existing channel (401).
 */
export async function authenticateChannel(
  context: EmulatorContext,
  request: FastifyRequest,
  pathChannelId?: string,
): Promise<EmulatorChannel> {
  const claims = await verifyRequestToken(context, request);
  const tokenChannel = findChannel(context.state, claims.channelId);
  const channel =
    pathChannelId === undefined ? tokenChannel : findChannel(context.state, pathChannelId);
  if (!channel) {
    tokenVerdicts.set(request, 'token valid, unknown channel');
    if (pathChannelId === undefined)
      throw new FrontHttpError(401, 'The token sub names no channel.');
    throw new FrontHttpError(404, `No channel ${pathChannelId}.`);
  }
  if (tokenChannel?.id !== channel.id) {
    tokenVerdicts.set(request, 'token valid, other channel');
    throw new FrontHttpError(403, 'The token sub names another channel than the path.');
  }
  tokenVerdicts.set(request, 'token valid');
  return channel;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks a Channel API route: rate-limited, open to faults, recorded in the exchange log. */
    channelApi?: boolean;
  }
}

/** Route options that mark a Channel API route (rate-limited, faulted, logged). */
export const CHANNEL_API = { config: { channelApi: true } };

/** A path parameter as text (fastify already percent-decoded it). */
export function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? '';
}
