import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupCommit } from '../../src/store/group-commit.ts';

class BadItemError extends Error {
  readonly code = 'BAD_ITEM';
}

function recorder(options: { bad?: number } = {}) {
  const batches: number[][] = [];
  const singles: number[] = [];
  const check = (item: number) => {
    if (item === options.bad) throw new BadItemError(`item ${item} is bad`);
    return item * 10;
  };
  const group = new GroupCommit<number, number>({
    runBatch: async (items) => {
      batches.push(items);
      return items.map(check);
    },
    runOne: async (item) => {
      singles.push(item);
      return check(item);
    },
    maxBatch: 3,
  });
  return { group, batches, singles };
}

describe('GroupCommit', () => {
  it('writes items submitted together in shared batches of at most maxBatch when they arrive at once', async () => {
    const { group, batches, singles } = recorder();
    const results = await Promise.all([1, 2, 3, 4].map((item) => group.submit(item)));
    assert.deepEqual(results, [10, 20, 30, 40]);
    assert.deepEqual(batches, [[1, 2, 3]]);
    assert.deepEqual(singles, [4]);
  });

  it('rejects only the failing item when one item of a batch fails', async () => {
    const { group, singles } = recorder({ bad: 2 });
    const outcomes = await Promise.allSettled([1, 2, 3].map((item) => group.submit(item)));
    assert.deepEqual(outcomes[0], { status: 'fulfilled', value: 10 });
    assert.equal(outcomes[1]?.status, 'rejected');
    assert.ok(outcomes[1]?.status === 'rejected' && outcomes[1].reason instanceof BadItemError);
    assert.equal(outcomes[1].reason.code, 'BAD_ITEM');
    assert.deepEqual(outcomes[2], { status: 'fulfilled', value: 30 });
    assert.deepEqual(singles, [1, 2, 3]);
  });

  it('resolves idle only after every submitted item is written when asked while writing', async () => {
    const { group } = recorder();
    let written = 0;
    for (const item of [1, 2, 3, 4, 5]) void group.submit(item).then(() => written++);
    await group.idle();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(written, 5);
  });
});
