import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CliRun, runCli } from '../helpers/run-cli.ts';

// Under /proc, mkdir(2) answers ENOENT although /proc exists: a folder that can never be made.
const UNUSABLE_DIR = '/proc/nope';

const SERVE_ENV = {
  FRONT_APP_UID: 'uid',
  FRONT_APP_SECRET: 'secret',
  PUBLIC_URL: 'http://127.0.0.1:1',
  PORT: '0',
  HOST: '127.0.0.1',
};

function assertOneLineError(run: CliRun, pattern: RegExp): void {
  assert.equal(run.timedOut, false, 'the process had to be killed');
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /^frontbridge: [^\n]+\n$/);
  assert.match(run.stderr, pattern);
  assert.equal(run.stdout, '');
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'frontbridge-cli-process-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('frontbridge with a database folder it cannot create', () => {
  it('exits 1 naming the folder when serve gets such a DATABASE_URL', async () => {
    const env = { ...SERVE_ENV, DATABASE_URL: `sqlite:${UNUSABLE_DIR}/frontbridge.db` };

    const run = await runCli(['serve', '--dev'], { env });

    assertOneLineError(run, /\/proc\/nope\/frontbridge\.db/);
    // serve has no --data option: the advice must not send the operator to one.
    assert.doesNotMatch(run.stderr, /--data/);
  });

  it('exits 1 naming the folder when dev gets it as --data', async () => {
    const args = ['dev', '--data', UNUSABLE_DIR, '--port', '0'];

    const run = await runCli([...args, '--emulator-port', '0', '--chat-port', '0']);

    assertOneLineError(run, /\/proc\/nope\/frontbridge\.db/);
  });

  it('exits 1 naming the folder when migrate gets such a DATABASE_URL', async () => {
    const env = { DATABASE_URL: `sqlite:${UNUSABLE_DIR}/deeper/frontbridge.db` };

    const run = await runCli(['migrate'], { env });

    assertOneLineError(run, /\/proc\/nope\/deeper\/frontbridge\.db/);
    assert.doesNotMatch(run.stderr, /--data/);
  });

  it('still creates missing folders for a usable path', async () => {
    const env = { DATABASE_URL: `sqlite:${join(dir, 'a', 'b', 'frontbridge.db')}` };

    const run = await runCli(['migrate'], { env });

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^applied \d+ migrations/);
  });
});

describe('frontbridge accounts create --connector', () => {
  it('refuses an unknown connector and lists the known ones', async () => {
    const env = { DATABASE_URL: `sqlite:${join(dir, 'connector.db')}` };

    const run = await runCli(['accounts', 'create', '--name', 'x', '--connector', 'nope'], {
      env,
    });

    assert.equal(run.timedOut, false);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /nope/);
    assert.match(run.stderr, /\bhttp\b/);
    assert.match(run.stderr, /\bdemo\b/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
    assert.equal(run.stdout, '');
  });

  it('accepts a built-in connector', async () => {
    const env = { DATABASE_URL: `sqlite:${join(dir, 'connector.db')}` };

    const run = await runCli(
      ['accounts', 'create', '--name', 'x', '--connector', 'demo', '--json'],
      {
        env,
      },
    );

    assert.equal(run.code, 0, run.stderr);
    assert.match(JSON.parse(run.stdout).account_id, /^acc_/);
  });
});
