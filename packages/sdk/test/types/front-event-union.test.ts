// Compile-time checks of the event union and the callback types: `npm run typecheck` fails when
// they break. The runtime part only makes sure the file also loads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AuthorizationEvent,
  type AutoReplyEvent,
  buildMessageResponse,
  createFrontWebhookHandler,
  type FrontEvent,
  type FrontEventType,
  type FrontSignatureHeaders,
  type HeaderInput,
  type MessageEvent,
  type MessageImportedEvent,
  parseFrontEvent,
  signFrontRequest,
  type UnknownEvent,
} from '../../src/index.ts';

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

export type KnownTypes = Expect<
  Equal<
    FrontEventType,
    | 'authorization'
    | 'message'
    | 'message_autoreply'
    | 'message_imported'
    | 'delete'
    | 'list_addresses'
  >
>;
export type UnknownIsInTheUnion = Expect<
  Equal<Extract<FrontEvent, { type: 'unknown' }>, UnknownEvent>
>;
export type MessageIdIsAString = Expect<Equal<MessageEvent['payload']['id'], string>>;
export type AutoReplyIdIsOptional = Expect<
  Equal<AutoReplyEvent['payload']['id'], string | undefined>
>;
export type ImportedMetadataIsTyped = Expect<
  Equal<
    NonNullable<MessageImportedEvent['metadata']>['external_conversation_ids'],
    string[] | undefined
  >
>;
export type ChannelIdIsAString = Expect<Equal<AuthorizationEvent['payload']['channel_id'], string>>;
export type SignedHeadersFitHeaderInput = Expect<
  FrontSignatureHeaders extends HeaderInput ? true : false
>;

function describeEvent(event: FrontEvent): string {
  switch (event.type) {
    case 'message':
      return event.payload.id;
    case 'message_autoreply':
      // @ts-expect-error an auto-reply has no guaranteed id
      return event.payload.id.toUpperCase();
    case 'message_imported':
      return event.metadata?.external_conversation_id ?? '';
    case 'authorization':
      return event.payload.channel_id;
    case 'delete':
      return event.payload.channel_id ?? '';
    case 'list_addresses':
      return 'list';
    case 'unknown':
      return String(event.originalType);
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

createFrontWebhookHandler({
  secret: 's',
  on: {
    // The callback receives the narrowed event type.
    message: (event) =>
      buildMessageResponse({ externalId: event.payload.id, externalConversationId: 'c' }),
    // @ts-expect-error an authorization answer is not a message answer
    authorization: () => buildMessageResponse({ externalId: 'e', externalConversationId: 'c' }),
    delete: async () => {},
  },
});

// Signed headers go straight into fetch.
export const init: RequestInit = {
  method: 'POST',
  headers: signFrontRequest({ body: '{}', secret: 's' }),
};

describe('FrontEvent union', () => {
  it('narrows by type at runtime as it does at compile time', () => {
    assert.equal(
      describeEvent(parseFrontEvent({ type: 'message', payload: { id: 'msg_1' } })),
      'msg_1',
    );
    assert.equal(describeEvent(parseFrontEvent({ type: 'shiny' })), 'shiny');
  });
});
