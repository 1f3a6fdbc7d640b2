import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createState,
  type EmulatorMessage,
  findChannel,
  mergeConversations,
  threadByExternalId,
  upsertContact,
} from '../../src/emulator-state.ts';

function counterIds() {
  let n = 0;
  return (prefix: string) => `${prefix}_${++n}`;
}

function addMessage(
  state: ReturnType<typeof createState>,
  conversationId: string,
  id: string,
): void {
  state.messages.set(id, {
    id,
    conversationId,
    channelId: 'cha_1',
    createdAt: 0,
  } as EmulatorMessage);
}

describe('emulator state', () => {
  it('threads two messages into one conversation when they share an external conversation id', () => {
    const state = createState();
    const newId = counterIds();
    const first = threadByExternalId(
      state,
      { channelId: 'cha_1', externalConversationId: 'x', now: 1 },
      newId,
    );
    const second = threadByExternalId(
      state,
      { channelId: 'cha_1', externalConversationId: 'x', now: 2 },
      newId,
    );
    const other = threadByExternalId(
      state,
      { channelId: 'cha_2', externalConversationId: 'x', now: 3 },
      newId,
    );

    assert.equal(second.id, first.id);
    assert.notEqual(other.id, first.id);
  });

  it('unions external ids, moves messages and redirects threading when conversations merge', () => {
    const state = createState();
    const newId = counterIds();
    const a = threadByExternalId(
      state,
      { channelId: 'cha_1', externalConversationId: 'a', now: 1 },
      newId,
    );
    const b = threadByExternalId(
      state,
      { channelId: 'cha_1', externalConversationId: 'b', now: 2 },
      newId,
    );
    addMessage(state, b.id, 'msg_b');

    mergeConversations(state, a.id, [b.id]);
    const later = threadByExternalId(
      state,
      { channelId: 'cha_1', externalConversationId: 'b', now: 3 },
      newId,
    );

    assert.deepEqual(a.externalConversationIds, ['a', 'b']);
    assert.equal(state.messages.get('msg_b')?.conversationId, a.id);
    assert.equal(later.id, a.id);
  });

  it('refuses to merge when a conversation belongs to another channel', () => {
    const state = createState();
    const newId = counterIds();
    const a = threadByExternalId(
      state,
      { channelId: 'cha_1', externalConversationId: 'a', now: 1 },
      newId,
    );
    const b = threadByExternalId(
      state,
      { channelId: 'cha_2', externalConversationId: 'b', now: 2 },
      newId,
    );
    assert.throws(() => mergeConversations(state, a.id, [b.id]), /other channels/);
  });

  it('keys contacts by normalised handle when numbers are written differently', () => {
    const state = createState();
    const newId = counterIds();
    const plain = upsertContact(state, { handle: '555-123-0000', name: 'Dana' }, newId);
    const e164 = upsertContact(state, { handle: '+1 (555) 123-0000' }, newId);
    const named = upsertContact(state, { handle: 'dana@example.org' }, newId);

    assert.equal(plain.id, e164.id);
    assert.equal(plain.handle, '+15551230000');
    assert.equal(e164.name, 'Dana');
    assert.equal(named.handle, 'dana@example.org');
  });

  it('finds a channel by its address alias and hides deleted channels', () => {
    const state = createState();
    const channel = { id: 'cha_1', address: 'sms-main', status: 'ok' } as Parameters<
      typeof state.channels.set
    >[1];
    state.channels.set('cha_1', channel);

    assert.equal(findChannel(state, 'alt:address:sms-main')?.id, 'cha_1');
    channel.status = 'deleted';
    assert.equal(findChannel(state, 'cha_1'), undefined);
  });
});
