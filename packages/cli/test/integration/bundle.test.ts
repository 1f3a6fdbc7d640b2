import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { signForTesting } from '@frontbridge/sdk/testing';
import { bundleState } from '../../bin/bundle-state.mjs';
import { buildBundle } from '../../scripts/build-bundle.ts';

// Inside the repository (ignored by git and the linter), so the bundle's external packages
// resolve from its node_modules as they do for packages/cli/dist.
const OUTDIR = fileURLToPath(new URL(`../../.tmp/bundle-test-${process.pid}/`, import.meta.url));
const SECRET = 'bundle-app-secret';

let bundle: string;
let dir: string;
before(async () => {
  bundle = await buildBundle(OUTDIR);
  dir = await mkdtemp(join(tmpdir(), 'frontbridge-bundle-'));
});
after(async () => {
  await rm(OUTDIR, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
});

/** Runs the bundle to completion with only `env` (plus PATH). */
async function runBundle(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [bundle, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** Starts a long-running command from the bundle and resolves with the first stdout line matching. */
async function startBundle(args: string[], env: Record<string, string>, line: RegExp) {
  const child = spawn(process.execPath, [bundle, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  for await (const text of createInterface({ input: child.stdout })) {
    lines.push(text);
    const match = line.exec(text);
    if (match) return { child, match, lines };
  }
  throw new Error(`exited before printing ${line}: ${lines.join('\n')}`);
}

async function stop(child: ChildProcess): Promise<number | null> {
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

describe('the production bundle (npm run build)', () => {
  it('runs accounts create and serve: a signed authorization succeeds, an unsigned one is refused', async () => {
    const env = {
      FRONT_APP_UID: 'bundle-app',
      FRONT_APP_SECRET: SECRET,
      PUBLIC_URL: 'http://127.0.0.1:1',
      DATABASE_URL: `sqlite:${join(dir, 'serve.db')}`,
      PORT: '0',
      HOST: '127.0.0.1',
      DELIVER_URL_ALLOW_PRIVATE: 'true',
    };
    const created = await runBundle(
      [
        'accounts',
        'create',
        '--name',
        'acme',
        '--deliver-url',
        'https://chat.example.com/in',
        '--json',
      ],
      env,
    );
    assert.equal(created.code, 0, created.stderr);
    const account = JSON.parse(created.stdout) as { channel_token: string };

    const { child, match } = await startBundle(['serve', '--dev'], env, /"port":(\d+)/);
    try {
      const url = `http://127.0.0.1:${match[1]}`;
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      const body = JSON.stringify({ type: 'authorization', payload: { channel_id: 'cha_bundle' } });
      const signed = signForTesting({ body, secret: SECRET });
      const authorization = `Bearer ${account.channel_token}`;
      const accepted = await fetch(`${url}/front`, {
        method: 'POST',
        headers: { ...signed.headers, authorization },
        body,
      });
      assert.equal(accepted.status, 200);
      const answer = (await accepted.json()) as { type: string; webhook_url: string };
      assert.equal(answer.type, 'success');
      assert.match(answer.webhook_url, /^http:\/\/127\.0\.0\.1:1\/front\/channels\/fbw_/);
      const unsigned = await fetch(`${url}/front`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body,
      });
      assert.equal(unsigned.status, 401);
    } finally {
      assert.equal(await stop(child), 0);
    }
  });

  it('runs dev and serves the pages it carries next to itself', async () => {
    const ports = ['--port', '0', '--emulator-port', '0', '--chat-port', '0'];
    const { child, lines } = await startBundle(
      ['dev', '--data', join(dir, 'dev'), ...ports],
      {},
      /Press Ctrl\+C/,
    );
    try {
      const urlAfter = (label: string) => {
        const found = lines.find((text) => text.includes(label));
        const url = /http:\/\/127\.0\.0\.1:\d+\/?/.exec(found ?? '')?.[0];
        assert.ok(url, `no URL for ${label} in:\n${lines.join('\n')}`);
        return url;
      };
      const pages = [
        [urlAfter('Front inbox'), '../../../emulator/src/inbox/index.html'],
        [urlAfter('Acme Chat'), '../../src/acme-chat/acme-chat-page.html'],
      ] as const;
      for (const [url, source] of pages) {
        const response = await fetch(url);
        assert.equal(response.status, 200, url);
        assert.equal(
          await response.text(),
          await readFile(new URL(source, import.meta.url), 'utf8'),
        );
      }
    } finally {
      assert.equal(await stop(child), 0);
    }
  });

  it('is used only while it is newer than every source it lists', async () => {
    const root = join(dir, 'layout');
    await mkdir(join(root, 'src'), { recursive: true });
    await mkdir(join(root, 'dist'), { recursive: true });
    const file = (path: string) => pathToFileURL(join(root, path));
    const state = () =>
      bundleState(file('dist/frontbridge.mjs'), file('dist/sources.json'), file('./'));
    assert.equal(state(), 'absent');

    await writeFile(join(root, 'src', 'a.ts'), '');
    await writeFile(join(root, 'dist', 'frontbridge.mjs'), '');
    await writeFile(join(root, 'dist', 'sources.json'), JSON.stringify(['src/a.ts']));
    const built = new Date('2026-01-02T00:00:00Z');
    await utimes(join(root, 'dist', 'frontbridge.mjs'), built, built);
    const before = new Date('2026-01-01T00:00:00Z');
    await utimes(join(root, 'src', 'a.ts'), before, before);
    assert.equal(state(), 'fresh');

    const later = new Date('2026-01-03T00:00:00Z');
    await utimes(join(root, 'src', 'a.ts'), later, later);
    assert.equal(state(), 'stale');

    await writeFile(join(root, 'dist', 'sources.json'), JSON.stringify(['src/gone.ts']));
    assert.equal(state(), 'stale');
  });
});
