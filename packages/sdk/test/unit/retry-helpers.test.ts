import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChannelPacer, computeBackoffMs, joinUrl, parseRetryAfter } from '../../src/index.ts';
import { createFakeClock } from '../helpers/fake-clock.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds as milliseconds', () => {
    assert.equal(parseRetryAfter('2', NOW), 2000);
    assert.equal(parseRetryAfter(' 0 ', NOW), 0);
    assert.equal(parseRetryAfter('1.5', NOW), 1500);
  });

  it('reads an HTTP date relative to now and clamps past dates to 0', () => {
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', NOW), 7000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', NOW), 0);
    assert.equal(parseRetryAfter('Thursday, 01-Jan-26 00:00:05 GMT', NOW), 5000);
  });

  it('returns undefined when the header is absent or unreadable', () => {
    for (const value of [
      undefined,
      null,
      '',
      '  ',
      'soon',
      '-3',
      '2026-01-01',
      'Mon, 99 Foo 2026 00:00:00 GMT',
    ]) {
      assert.equal(parseRetryAfter(value, NOW), undefined);
    }
  });
});

describe('computeBackoffMs', () => {
  it('doubles from one second and adds up to half again as jitter', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((attempt) => computeBackoffMs({ attempt, random: 0 })),
      [1000, 2000, 4000, 8000],
    );
    assert.equal(computeBackoffMs({ attempt: 1, random: 0.999 }), 1500);
  });

  it('never goes below one second nor above the cap', () => {
    assert.equal(computeBackoffMs({ attempt: 0, random: -5 }), 1000);
    assert.equal(computeBackoffMs({ attempt: 40, random: 1 }), 30_000);
    assert.equal(computeBackoffMs({ attempt: 3, random: 0, baseMs: 100, maxMs: 350 }), 350);
  });
});

describe('joinUrl', () => {
  it('joins with exactly one slash and percent-encodes each segment', () => {
    assert.equal(
      joinUrl('https://api2.frontapp.com', ['channels', 'cha_1']),
      'https://api2.frontapp.com/channels/cha_1',
    );
    assert.equal(joinUrl('https://api2.frontapp.com/', ['a']), 'https://api2.frontapp.com/a');
    assert.equal(
      joinUrl('http://127.0.0.1:9/front//', ['+1555 0/1', '..']),
      'http://127.0.0.1:9/front/%2B1555%200%2F1/..',
    );
  });

  it('throws ConfigError when the base URL is unusable', () => {
    for (const base of ['api2.frontapp.com', 'ftp://x', 'https://x/?q=1', 'https://user:pw@x']) {
      assert.throws(
        () => joinUrl(base, ['a']),
        (error: unknown) => (error as { code?: string }).code === 'config_error',
      );
    }
  });
});

describe('ChannelPacer', () => {
  it('lets five start at once and holds the sixth until the first leaves the window', async () => {
    const clock = createFakeClock(NOW);
    const pacer = new ChannelPacer({ limit: 5, now: clock.now, sleep: clock.sleep });
    const starts: number[] = [];
    for (let index = 0; index < 11; index++) {
      await pacer.acquire('cha_1');
      starts.push(clock.now() - NOW);
    }
    assert.deepEqual(starts, [0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 1000, 2000]);
  });

  it('drops idle lanes once it tracks many channels', async () => {
    const clock = createFakeClock(NOW);
    const pacer = new ChannelPacer({ limit: 5, now: clock.now, sleep: clock.sleep });
    for (let index = 0; index < 300; index++) await pacer.acquire(`cha_${index}`);
    assert.equal(pacer.laneCount, 300);
    await clock.sleep(1000);
    await pacer.acquire('cha_new');
    assert.equal(pacer.laneCount, 1);
  });

  it('keeps lanes apart and counts a sliding window, not calendar seconds', async () => {
    const clock = createFakeClock(NOW);
    const pacer = new ChannelPacer({
      limit: 2,
      windowMs: 1000,
      now: clock.now,
      sleep: clock.sleep,
    });
    await pacer.acquire('a');
    await clock.sleep(900);
    await pacer.acquire('a');
    await pacer.acquire('b');
    await pacer.acquire('a');
    assert.deepEqual(clock.sleeps, [900, 100]);
  });
});
