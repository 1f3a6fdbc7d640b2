import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildMessageEvent, signForTesting } from '@frontbridge/sdk/testing';
import { APP_SECRET, type Harness, startHarness, waitFor } from '../helpers/harness.ts';

// A real full disk: SQLite on a 16 MB tmpfs (room for the WAL once space is back) (needs root, as in CI here; skipped otherwise).
function mountSmallDisk(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'frontbridge-diskfull-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmdirSync(dir);
    return undefined;
  }
}

/** Writes a file until the disk refuses another byte. */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }
}

async function sendWebhook(harness: Harness, id: string) {
  const { body, headers } = signForTesting({
    body: buildMessageEvent({ payload: { id, text: id } }),
    secret: APP_SECRET,
  });
  const response = await fetch(harness.webhookUrl, { method: 'POST', headers, body });
  const answer = (await response.json().catch(() => ({}))) as { external_id?: string };
  return { status: response.status, externalId: answer.external_id };
}

const disk = mountSmallDisk();

describe('faults: disk full for SQLite', {
  skip: disk ? false : 'mount -t tmpfs needs root',
}, () => {
  let harness: Harness;
  before(async () => {
    // Short leases: a job whose settlement hit the full disk is claimed again once its lease ends.
    harness = await startHarness({
      env: { DATABASE_URL: `sqlite:${join(disk ?? '', 'fb.db')}`, JOB_LEASE_SECONDS: '2' },
    });
  });
  after(async () => {
    await harness?.close();
    execFileSync('umount', [disk ?? '']);
    rmdirSync(disk ?? '');
  });

  it('never acknowledges a webhook it could not store, and recovers once space is back', async () => {
    const filler = join(disk ?? '', 'filler');
    fillDisk(filler);
    const acked = new Map<string, string>();
    const refused: string[] = [];
    for (let i = 0; i < 40; i++) {
      const id = `msg_full_${i}`;
      const { status, externalId } = await sendWebhook(harness, id);
      assert.ok(status === 200 || status >= 500, `status ${status} while the disk is full`);
      if (status === 200 && externalId) acked.set(id, externalId);
      else refused.push(id);
    }
    assert.ok(refused.length > 0, 'the full disk was felt');

    unlinkSync(filler);
    // Front redelivers what was refused; everything must now be stored.
    for (const id of refused) {
      const answer = await waitFor(
        async () => {
          const { status, externalId } = await sendWebhook(harness, id);
          return status === 200 ? externalId : undefined;
        },
        { what: `redelivery of ${id}` },
      );
      acked.set(id, answer);
    }
    await waitFor(() => harness.receiver.received.length >= acked.size, {
      timeoutMs: 30_000,
      what: 'deliveries',
    });
    const delivered = harness.receiver.received.map((r) => String(r.json.external_id));
    for (const externalId of acked.values()) {
      assert.equal(
        delivered.filter((id) => id === externalId).length,
        1,
        `${externalId} delivered once`,
      );
    }
    process.stdout.write(
      `# disk full: ${refused.length} refused while full, ${acked.size} delivered once after\n`,
    );
  });
});
