import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ApiMessageRecord, FrontMessageRecord, Store } from '../../src/index.ts';

/** Opens a fresh, empty store and returns it with a function that disposes of it. */
export type StoreFactory = () => Promise<{ store: Store; dispose: () => Promise<void> }>;

const T0 = 1_800_000_000_000;

function frontRecord(
  channelId: string,
  suffix: string,
  extra: Partial<FrontMessageRecord> = {},
): FrontMessageRecord {
  return {
    eventKey: `message:msg_${suffix}`,
    message: {
      id: `fbm_${suffix}`,
      account_id: 'acc_1',
      channel_id: channelId,
      origin: 'front',
      direction: 'outbound',
      external_id: `fb_${suffix}`,
      contact_handle: '+15551230000',
      status: 'queued',
      front_message_id: `msg_${suffix}`,
      front_conversation_id: null,
      message_uid: null,
      last_error: null,
      content: '{}',
      created_at: T0,
      updated_at: T0,
    },
    deliveries: [{ id: `dlv_${suffix}`, recipient: '+15551230000' }],
    ...extra,
  };
}

function apiRecord(
  channelId: string,
  externalId: string,
  conversationId?: string,
): ApiMessageRecord {
  return {
    conversationId,
    attachments: [{ filename: 'a.txt', contentType: 'text/plain', data: Buffer.from('hi') }],
    message: {
      id: `fbm_api_${externalId}`,
      account_id: 'acc_1',
      channel_id: channelId,
      origin: 'api',
      direction: 'inbound',
      external_id: externalId,
      contact_handle: '+15551230000',
      status: 'queued',
      front_message_id: null,
      front_conversation_id: null,
      message_uid: null,
      last_error: null,
      content: '{}',
      created_at: T0,
      updated_at: T0,
    },
  };
}

/** The store and queue contract: every dialect must pass the same suite unchanged. */
export function storeContract(
  name: string,
  factory: StoreFactory,
  options: { skip?: string | false } = {},
) {
  describe(`store contract (${name})`, { skip: options.skip ?? false }, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    let channelCount = 0;

    before(async () => {
      ({ store, dispose } = await factory());
      await store.insertAccount({
        id: 'acc_1',
        name: 'acme',
        channel_token_hash: 'c1',
        api_key_hash: 'k1',
        signing_secret: 'whsec_x',
        deliver_url: null,
        connector: 'http',
        created_at: T0,
      });
    });
    after(async () => dispose?.());

    async function newChannel(): Promise<string> {
      const id = `cha_${++channelCount}`;
      await store.authorizeChannel({
        id,
        account_id: 'acc_1',
        webhook_token: `fbw_${id}`,
        status: 'active',
        created_at: T0,
        deleted_at: null,
      });
      return id;
    }

    it('returns the stored message and adds no job when an event key repeats', async () => {
      const channel = await newChannel();
      const first = await store.recordFrontMessage(frontRecord(channel, 'a'));
      const again = await store.recordFrontMessage({
        ...frontRecord(channel, 'a'),
        message: { ...frontRecord(channel, 'a').message, id: 'fbm_other', external_id: 'fb_other' },
      });
      assert.equal(first.duplicate, false);
      assert.equal(again.duplicate, true);
      assert.equal(again.message.external_id, first.message.external_id);
      assert.equal((await store.countPendingJobs()).deliver, 1);
      await drain(store);
    });

    it('keeps one message per external id and threads by the contact', async () => {
      const channel = await newChannel();
      await store.recordFrontMessage(frontRecord(channel, 'b', { frontConversationId: 'cnv_1' }));
      const first = await store.recordApiMessage(apiRecord(channel, 'sms-1'));
      const again = await store.recordApiMessage(apiRecord(channel, 'sms-1'));
      assert.equal(again.duplicate, true);
      assert.equal(again.message.id, first.message.id);
      assert.equal(first.message.external_conversation_id, '+15551230000');
      assert.equal((await store.listAttachments(first.message.id)).length, 1);

      const named = await store.recordApiMessage(apiRecord(channel, 'sms-2', 'thread-9'));
      assert.equal(named.message.external_conversation_id, 'thread-9');
      await drain(store);
    });

    it('leases a job to one owner until the lease expires', async () => {
      const channel = await newChannel();
      await store.recordFrontMessage(frontRecord(channel, 'c'));
      const claimed = await store.claimJobs({ owner: 'w1', limit: 10, now: T0, leaseMs: 1000 });
      assert.equal(claimed.length, 1);
      assert.equal(claimed[0]?.attempts, 1);
      assert.equal(
        (await store.claimJobs({ owner: 'w2', limit: 10, now: T0 + 999, leaseMs: 1000 })).length,
        0,
      );

      const reclaimed = await store.claimJobs({
        owner: 'w2',
        limit: 10,
        now: T0 + 1000,
        leaseMs: 1000,
      });
      assert.equal(reclaimed.length, 1);
      const job = reclaimed[0];
      assert.ok(job);
      assert.equal(await store.completeJob(job.id, 'w1'), false);
      assert.equal(await store.completeJob(job.id, 'w2'), true);
    });

    it('runs jobs sharing an ordering key one at a time, oldest first', async () => {
      const channel = await newChannel();
      await store.recordFrontMessage(frontRecord(channel, 'd1'));
      await store.recordFrontMessage(frontRecord(channel, 'd2'));
      const first = await store.claimJobs({ owner: 'w1', limit: 10, now: T0, leaseMs: 1000 });
      assert.deepEqual(
        first.map((job) => JSON.parse(job.payload).deliveryId),
        ['dlv_d1'],
      );
      const job = first[0];
      assert.ok(job);

      await store.rescheduleJob(job.id, 'w1', { runAt: T0 + 500, error: 'receiver down' });
      assert.equal(
        (await store.claimJobs({ owner: 'w1', limit: 10, now: T0 + 10, leaseMs: 1000 })).length,
        0,
      );
      const retried = await store.claimJobs({
        owner: 'w1',
        limit: 10,
        now: T0 + 500,
        leaseMs: 1000,
      });
      assert.equal(retried[0]?.last_error, 'receiver down');
      await store.completeJob(job.id, 'w1');
      const second = await store.claimJobs({
        owner: 'w1',
        limit: 10,
        now: T0 + 500,
        leaseMs: 1000,
      });
      assert.deepEqual(
        second.map((row) => JSON.parse(row.payload).deliveryId),
        ['dlv_d2'],
      );
      await drain(store);
    });

    it('hands jobs back when their owner releases them', async () => {
      const channel = await newChannel();
      await store.recordFrontMessage(frontRecord(channel, 'e'));
      await store.claimJobs({ owner: 'w1', limit: 10, now: T0, leaseMs: 60_000 });
      assert.equal(await store.releaseLeases('w1'), 1);
      assert.equal(
        (await store.claimJobs({ owner: 'w2', limit: 10, now: T0, leaseMs: 1000 })).length,
        1,
      );
      await drain(store, 'w2');
    });

    it('cancels pending jobs and keeps history when a channel is deleted', async () => {
      const channel = await newChannel();
      const { message } = await store.recordFrontMessage(frontRecord(channel, 'f'));
      await store.deleteChannel(channel, T0);
      assert.equal((await store.getChannel(channel))?.status, 'deleted');
      assert.equal((await store.getMessage(message.id))?.id, message.id);
      assert.equal((await store.countPendingJobs()).deliver ?? 0, 0);
    });

    it('maps Front ids onto a synced message from message_imported', async () => {
      const channel = await newChannel();
      const { message } = await store.recordApiMessage(apiRecord(channel, 'sms-9'));
      const matched = await store.recordImported({
        channelId: channel,
        eventKey: 'message_imported:msg_9',
        externalId: 'sms-9',
        frontMessageId: 'msg_9',
        frontConversationId: 'cnv_9',
        externalConversationIds: ['+15551230000', 'legacy-1'],
        now: T0,
      });
      assert.equal(matched, message.id);
      const stored = await store.getMessage(message.id);
      assert.equal(stored?.status, 'imported');
      assert.equal(stored?.front_conversation_id, 'cnv_9');
      await drain(store);
    });

    it('spaces the rate slots of one key and starts a new key at once', async () => {
      const first = await store.reserveRateSlot('front:channel:contract', 60_000);
      const second = await store.reserveRateSlot('front:channel:contract', 60_000);
      assert.equal(first.waitMs, 0);
      assert.equal(second.slotAt - first.slotAt, 60_000);
      assert.ok(second.waitMs > 0);
      assert.equal((await store.reserveRateSlot('front:channel:other', 60_000)).waitMs, 0);
    });

    it('hands back every lease at once when asked to release them all', async () => {
      const channel = await newChannel();
      await store.recordFrontMessage(frontRecord(channel, 'r1'));
      await store.recordFrontMessage(
        frontRecord(channel, 'r2', { deliveries: [{ id: 'dlv_r2', recipient: '+15551238888' }] }),
      );
      await store.claimJobs({ owner: 'w1', limit: 1, now: T0, leaseMs: 60_000 });
      await store.claimJobs({ owner: 'w2', limit: 1, now: T0, leaseMs: 60_000 });
      assert.equal(await store.releaseAllLeases(), 2);
      const taken = await store.claimJobs({ owner: 'w3', limit: 10, now: T0 + 1, leaseMs: 1 });
      assert.equal(taken.length, 2);
      await drain(store, 'w3');
    });

    it('extends only the listed leases its owner holds', async () => {
      const channel = await newChannel();
      await store.recordFrontMessage(frontRecord(channel, 'g'));
      await store.recordFrontMessage(
        frontRecord(channel, 'g2', { deliveries: [{ id: 'dlv_g2', recipient: '+15551239999' }] }),
      );
      const claimed = await store.claimJobs({ owner: 'w1', limit: 10, now: T0, leaseMs: 1000 });
      assert.equal(claimed.length, 2);
      const [kept, dropped] = claimed.map((job) => job.id) as [number, number];
      assert.equal(await store.extendLeases('w2', T0 + 5000, [kept, dropped]), 0);
      assert.equal(await store.extendLeases('w1', T0 + 5000, []), 0);
      assert.equal(await store.extendLeases('w1', T0 + 5000, [kept]), 1);
      // The job left out keeps its old lease, so once it runs out another worker takes it.
      const stolen = await store.claimJobs({ owner: 'w2', limit: 10, now: T0 + 4999, leaseMs: 1 });
      assert.deepEqual(
        stolen.map((job) => job.id),
        [dropped],
      );
      await drain(store, 'w1');
    });

    it("threads a teammate's message by Front's conversation, then the replied-to message, then the contact", async () => {
      const channel = await newChannel();
      // An API message starts thread-7 for the contact; Front imports it into cnv_7.
      await store.recordApiMessage(apiRecord(channel, 'sms-7', 'thread-7'));
      await store.recordImported({
        channelId: channel,
        eventKey: 'message_imported:msg_imported7',
        externalId: 'sms-7',
        frontMessageId: 'msg_imported7',
        frontConversationId: 'cnv_7',
        externalConversationIds: ['thread-7'],
        now: T0,
      });
      const other = { ...frontRecord(channel, 'i0').message, contact_handle: '+15559990000' };
      const inConversation = await store.recordFrontMessage({
        ...frontRecord(channel, 'i1'),
        message: other,
        frontConversationId: 'cnv_7',
      });
      assert.equal(inConversation.message.external_conversation_id, 'thread-7');

      const replying = await store.recordFrontMessage({
        ...frontRecord(channel, 'i2'),
        message: { ...frontRecord(channel, 'i2').message, contact_handle: '+15559990001' },
        frontConversationId: 'cnv_unknown',
        repliedToFrontMessageId: 'msg_imported7',
      });
      assert.equal(replying.message.external_conversation_id, 'thread-7');

      const byContact = await store.recordFrontMessage(frontRecord(channel, 'i3'));
      assert.equal(byContact.message.external_conversation_id, 'thread-7', "the contact's thread");

      const newcomer = await store.recordFrontMessage({
        ...frontRecord(channel, 'i4'),
        message: { ...frontRecord(channel, 'i4').message, contact_handle: '+15559990002' },
      });
      assert.equal(newcomer.message.external_conversation_id, '+15559990002');
      await drain(store);
    });

    it('prunes only finished jobs older than the cut-off, in batches', async () => {
      const channel = await newChannel();
      for (const suffix of ['p1', 'p2', 'p3']) {
        await store.recordFrontMessage(frontRecord(channel, suffix));
      }
      await drain(store); // done, created at T0
      await store.recordFrontMessage(frontRecord(channel, 'p4')); // still pending
      assert.equal(await store.pruneFinishedJobs(T0, 10), 0, 'none is older than T0');
      assert.equal(await store.pruneFinishedJobs(T0 + 1, 2), 2);
      assert.ok((await store.pruneFinishedJobs(T0 + 1, 100)) >= 1);
      assert.equal(await store.pruneFinishedJobs(T0 + 1, 100), 0);
      assert.equal((await store.countPendingJobs()).deliver, 1, 'the pending job stays');
      assert.ok(await store.getMessage('fbm_p1'), 'messages stay');
      await drain(store);
    });

    it('loads a delivery with what it needs and settles it and its job in one call', async () => {
      const channel = await newChannel();
      const two = frontRecord(channel, 'h', {
        deliveries: [
          { id: 'dlv_h1', recipient: '+15551230000' },
          { id: 'dlv_h2', recipient: '+15551230001' },
        ],
      });
      await store.recordFrontMessage(two);
      const work = await store.loadDelivery('dlv_h1');
      assert.equal(work?.message.id, 'fbm_h');
      assert.equal(work?.channel.id, channel);
      assert.equal(work?.account.id, 'acc_1');
      assert.equal(await store.loadDelivery('dlv_missing'), undefined);

      const jobs = await store.claimJobs({ owner: 'w1', limit: 10, now: T0, leaseMs: 1000 });
      const jobOf = (deliveryId: string) =>
        jobs.find((job) => JSON.parse(job.payload).deliveryId === deliveryId);
      const first = jobOf('dlv_h1');
      const second = jobOf('dlv_h2');
      assert.ok(first && second);
      await store.markDelivered('dlv_h1', { delivered_at: T0 }, T0, { id: first.id, owner: 'w1' });
      assert.equal((await store.getDelivery('dlv_h1'))?.status, 'delivered');
      assert.equal((await store.getMessage('fbm_h'))?.status, 'queued', 'one recipient is left');
      assert.equal(await store.completeJob(first.id, 'w1'), false, 'already completed');

      // A lease lost to another worker is not completed by the one that lost it.
      await store.markDelivered('dlv_h2', { delivered_at: T0 }, T0, { id: second.id, owner: 'w2' });
      assert.equal((await store.getMessage('fbm_h'))?.status, 'delivered');
      assert.equal(await store.completeJob(second.id, 'w1'), true);
    });
  });
}

async function drain(store: Store, owner = 'drain') {
  for (;;) {
    const jobs = await store.claimJobs({ owner, limit: 100, now: T0 + 10 ** 9, leaseMs: 1 });
    if (jobs.length === 0) return;
    for (const job of jobs) await store.completeJob(job.id, owner);
  }
}
