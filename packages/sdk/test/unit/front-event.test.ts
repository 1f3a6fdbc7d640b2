import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  frontEventKey,
  parseFrontEvent,
  resourceIdFromLink,
  ValidationError,
} from '../../src/index.ts';
import {
  buildAuthorizationEvent,
  buildAutoReplyEvent,
  buildDeleteEvent,
  buildMessageEvent,
  buildMessageImportedEvent,
} from '../../src/testing.ts';

const isValidation = (error: unknown) =>
  error instanceof ValidationError && error.code === 'validation_error';

describe('parseFrontEvent', () => {
  it('parses every builder event into its typed member', () => {
    const events = [
      buildAuthorizationEvent(),
      buildMessageEvent(),
      buildAutoReplyEvent(),
      buildMessageImportedEvent(),
      buildDeleteEvent(),
    ];
    assert.deepEqual(
      events.map((event) => parseFrontEvent(JSON.stringify(event)).type),
      ['authorization', 'message', 'message_autoreply', 'message_imported', 'delete'],
    );
  });

  it('keeps unknown fields and fills missing lists', () => {
    const event = parseFrontEvent({
      type: 'message',
      payload: { id: 'msg_1', brand_new: 7 },
      extra: true,
    });
    assert.equal(event.type, 'message');
    if (event.type !== 'message') return;
    assert.equal((event.payload as { brand_new?: number }).brand_new, 7);
    assert.deepEqual(event.payload.recipients, []);
    assert.deepEqual(event.payload.attachments, []);
  });

  it('returns the unknown member for a type it has never seen, including prototype names', () => {
    for (const type of ['conversation_merged', 'toString', '__proto__', 42, undefined]) {
      const event = parseFrontEvent({ type, payload: {} });
      assert.equal(event.type, 'unknown');
      if (event.type === 'unknown') assert.equal(event.originalType, type);
    }
  });

  it('accepts bytes, list_addresses and a delete without payload', () => {
    assert.equal(parseFrontEvent(Buffer.from('{"type":"list_addresses"}')).type, 'list_addresses');
    const deleted = parseFrontEvent({ type: 'delete' });
    assert.deepEqual(deleted.type === 'delete' && deleted.payload, {});
  });

  it('throws ValidationError with paths when a known type is broken', () => {
    assert.throws(
      () => parseFrontEvent({ type: 'authorization', payload: {} }),
      (error: unknown) =>
        isValidation(error) && /payload\.channel_id/.test((error as Error).message),
    );
    assert.throws(
      () =>
        parseFrontEvent({ type: 'message', payload: { id: 'm', recipients: [{ role: 'to' }] } }),
      isValidation,
    );
  });

  it('throws ValidationError when the body is not a JSON object', () => {
    for (const input of ['{"type":', '[1]', 'null', '"text"', 42]) {
      assert.throws(() => parseFrontEvent(input), isValidation);
    }
  });
});

describe('frontEventKey', () => {
  it('keys messages by id and auto-replies by the message they answer', () => {
    assert.equal(frontEventKey(parseFrontEvent(buildMessageEvent())), 'message:msg_7kq2x1');
    assert.equal(
      frontEventKey(parseFrontEvent(buildMessageImportedEvent())),
      'message_imported:msg_7kq3aa',
    );
    assert.equal(
      frontEventKey(parseFrontEvent(buildAutoReplyEvent())),
      'message_autoreply:msg_7kq2w0:autoreply',
    );
    assert.equal(
      frontEventKey(parseFrontEvent(buildAuthorizationEvent())),
      'authorization:cha_4kx9p',
    );
    assert.equal(frontEventKey(parseFrontEvent(buildDeleteEvent())), 'delete:cha_4kx9p');
    assert.equal(frontEventKey(parseFrontEvent({ type: 'new_thing' })), undefined);
  });

  it('gives a redelivered auto-reply without any link the same content key', () => {
    const bare = { type: 'message_autoreply', payload: { body: 'Thanks', recipients: [] } };
    const first = frontEventKey(parseFrontEvent(JSON.stringify(bare)));
    assert.match(first ?? '', /^message_autoreply:sha256:[0-9a-f]{32}$/);
    assert.equal(frontEventKey(parseFrontEvent(JSON.stringify(bare))), first);
    const withId = buildAutoReplyEvent({ payload: { id: 'msg_auto' } });
    assert.equal(frontEventKey(parseFrontEvent(withId)), 'message_autoreply:msg_auto');
  });
});

describe('resourceIdFromLink', () => {
  it('takes the last path segment, ignoring query, fragment and trailing slash', () => {
    assert.equal(
      resourceIdFromLink('https://acme.api.frontapp.com/messages/msg_1/?x=1#y'),
      'msg_1',
    );
    assert.equal(resourceIdFromLink('https://a/b/alt%3Auid%3A9'), 'alt:uid:9');
    assert.equal(resourceIdFromLink(null), undefined);
    assert.equal(resourceIdFromLink(''), undefined);
  });
});
