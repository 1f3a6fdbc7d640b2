import type { FastifyReply } from 'fastify';

/**
 * Marks an answer sent before (or instead of) reading the rest of a request body: the connection
 * closes after it. Left open, Node would read the unread rest to keep the connection alive, however
 * large it is, and could not tell it from a next request.
 */
export function refuseUnread(reply: FastifyReply): FastifyReply {
  return reply.header('connection', 'close');
}
