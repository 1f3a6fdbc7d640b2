import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isConnectionError, withConnectionRetry } from '../../src/store/connection-retry.ts';
import type { Store } from '../../src/store/store.ts';

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
}

// A store whose calls fail `failures` times before they answer; only the methods used here.
function flakyStore(failures: number, error: () => Error = refused) {
  let calls = 0;
  const store = {
    dialect: 'postgres',
    countPendingJobs: async () => {
      calls += 1;
      if (calls <= failures) throw error();
      return { deliver: 2 };
    },
    ping: async () => {
      calls += 1;
      throw refused();
    },
  };
  return { store: store as unknown as Store, calls: () => calls };
}

describe('withConnectionRetry', () => {
  it('answers once the connection is back when the database was briefly unreachable', async () => {
    const { store, calls } = flakyStore(3);
    const retries: string[] = [];
    const sleeps: number[] = [];
    const retrying = withConnectionRetry(store, {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      onRetry: (event) => retries.push(`${event.method}:${event.code}`),
    });

    assert.deepEqual(await retrying.countPendingJobs(), { deliver: 2 });
    assert.equal(calls(), 4);
    assert.deepEqual(retries, Array(3).fill('countPendingJobs:ECONNREFUSED'));
    assert.ok(sleeps.every((ms, index) => index === 0 || ms >= (sleeps[index - 1] ?? 0)));
  });

  it('gives up with the connection error when the retry window has passed', async () => {
    let clock = 0;
    const { store } = flakyStore(Number.POSITIVE_INFINITY);
    const retrying = withConnectionRetry(store, {
      retryWindowMs: 1000,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    await assert.rejects(retrying.countPendingJobs(), { code: 'ECONNREFUSED' });
    assert.ok(clock >= 1000);
  });

  it('throws at once when the error is not about the connection', async () => {
    const unique = () => Object.assign(new Error('duplicate key'), { code: '23505' });
    const { store, calls } = flakyStore(1, unique);
    const retrying = withConnectionRetry(store, { sleep: async () => undefined });
    await assert.rejects(retrying.countPendingJobs(), { code: '23505' });
    assert.equal(calls(), 1);
  });

  it('does not retry the readiness ping when the database is down', async () => {
    const { store, calls } = flakyStore(0);
    const retrying = withConnectionRetry(store, { sleep: async () => undefined });
    await assert.rejects(retrying.ping(), { code: 'ECONNREFUSED' });
    assert.equal(calls(), 1);
  });
});

describe('isConnectionError', () => {
  it('recognises restarts and lost sockets when the server or the network ends a session', () => {
    const coded = (code: string) => Object.assign(new Error('x'), { code });
    assert.equal(isConnectionError(coded('57P01')), true);
    assert.equal(isConnectionError(coded('08006')), true);
    assert.equal(isConnectionError(coded('ECONNRESET')), true);
    assert.equal(isConnectionError(new Error('Connection terminated unexpectedly')), true);
    assert.equal(isConnectionError(coded('23505')), false);
    assert.equal(isConnectionError('ECONNRESET'), false);
  });
});
