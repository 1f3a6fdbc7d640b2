import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/main.ts';
import { createTestIo, eventually } from '../helpers/test-io.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'frontbridge-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('frontbridge accounts create', () => {
  it('prints the credentials as JSON and stores only hashes of the token and key', async () => {
    const file = join(dir, 'accounts.db');
    const env = { DATABASE_URL: `sqlite:${file}`, DELIVER_URL_ALLOW_PRIVATE: 'true' };
    const { io, output } = createTestIo(env);

    const code = await main(
      ['accounts', 'create', '--name', 'acme', '--deliver-url', 'http://127.0.0.1:9/in', '--json'],
      io,
    );

    assert.equal(code, 0, output.stderr);
    const created = JSON.parse(output.stdout);
    assert.deepEqual(Object.keys(created).sort(), [
      'account_id',
      'api_key',
      'channel_token',
      'signing_secret',
    ]);
    const database = await readFile(file).then((bytes) => bytes.toString('latin1'));
    const wal = await readFile(`${file}-wal`).then(
      (b) => b.toString('latin1'),
      () => '',
    );
    for (const secret of [created.api_key, created.channel_token]) {
      assert.equal(database.includes(secret) || wal.includes(secret), false);
    }
    // The signing secret is kept as is (signing needs it), so only the owner may read the file
    // (SQLite gives its -wal and -shm files the same mode while they exist).
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  it('refuses a loopback deliver URL unless private addresses are allowed', async () => {
    const { io, output } = createTestIo({ DATABASE_URL: `sqlite:${join(dir, 'ssrf.db')}` });

    const code = await main(
      ['accounts', 'create', '--name', 'acme', '--deliver-url', 'http://127.0.0.1:9/in'],
      io,
    );

    assert.equal(code, 1);
    assert.match(output.stderr, /DELIVER_URL_ALLOW_PRIVATE/);
    assert.equal(output.stdout, '');
  });

  it('exits 1 naming the problem when the http connector has no deliver URL', async () => {
    const { io, output } = createTestIo({ DATABASE_URL: `sqlite:${join(dir, 'bad.db')}` });

    const code = await main(['accounts', 'create', '--name', 'acme'], io);

    assert.equal(code, 1);
    assert.match(output.stderr, /deliverUrl: is required/);
    assert.doesNotMatch(output.stderr, /\n\s+at /);
  });
});

describe('frontbridge serve', () => {
  it('exits 1 naming every missing variable', async () => {
    const { io, output } = createTestIo({});

    const code = await main(['serve'], io);

    assert.equal(code, 1);
    for (const name of ['FRONT_APP_UID', 'FRONT_APP_SECRET', 'PUBLIC_URL']) {
      assert.match(output.stderr, new RegExp(name));
    }
  });

  it('refuses an http PUBLIC_URL in production', async () => {
    const env = {
      FRONT_APP_UID: 'uid',
      FRONT_APP_SECRET: 'secret',
      PUBLIC_URL: 'http://chan.example.com',
      DATABASE_URL: `sqlite:${join(dir, 'serve.db')}`,
    };
    const { io, output } = createTestIo(env);

    const code = await main(['serve'], io);

    assert.equal(code, 1);
    assert.match(output.stderr, /PUBLIC_URL/);
  });
});

describe('frontbridge emulator', () => {
  it('serves the Channel API until stopped', async () => {
    const { io, output, stop } = createTestIo({});

    const running = main(['emulator', '--port', '0', '--app-uid', 'uid-1'], io);
    const url = await eventually(async () => /listening on (\S+)/.exec(output.stdout)?.[1]);
    const response = await fetch(`${url}/_emulator/channels`);
    stop();

    assert.equal(response.status, 200);
    assert.match(output.stdout, /uid-1/);
    assert.equal(await running, 0);
  });

  it('rejects a port that is not a number', async () => {
    const { io, output } = createTestIo({});

    const code = await main(['emulator', '--port', 'http'], io);

    assert.notEqual(code, 0);
    assert.match(output.stderr, /port/);
  });
});

describe('frontbridge migrate', () => {
  it('creates the schema of a new SQLite database', async () => {
    const { io, output } = createTestIo({ DATABASE_URL: `sqlite:${join(dir, 'migrate.db')}` });

    assert.equal(await main(['migrate'], io), 0, output.stderr);
    assert.match(output.stdout, /^applied \d+ migrations/);
  });
});
