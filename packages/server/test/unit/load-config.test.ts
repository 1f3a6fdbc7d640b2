import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@frontbridge/sdk';
import { loadConfig } from '../../src/index.ts';

const VALID = {
  FRONT_APP_UID: 'app_1',
  FRONT_APP_SECRET: 'new-secret, old-secret',
  PUBLIC_URL: 'https://bridge.example.com/',
};

describe('loadConfig', () => {
  it('applies the documented defaults when only the required variables are set', () => {
    const config = loadConfig(VALID);
    assert.deepEqual(config.frontAppSecrets, ['new-secret', 'old-secret']);
    assert.equal(config.publicUrl, 'https://bridge.example.com');
    assert.equal(config.frontApiUrl, 'https://api2.frontapp.com');
    assert.equal(config.databaseUrl, 'sqlite:./data/frontbridge.db');
    assert.equal(config.port, 3000);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.sqliteSynchronous, 'NORMAL');
    assert.equal(config.defaultPhoneRegion, 'US');
  });

  it('names every missing or malformed variable in one ConfigError', () => {
    assert.throws(
      () => loadConfig({ PUBLIC_URL: 'not a url', PORT: 'eighty', DATABASE_URL: 'mysql://x' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.code, 'config_error');
        for (const name of [
          'FRONT_APP_UID',
          'FRONT_APP_SECRET',
          'PUBLIC_URL',
          'PORT',
          'DATABASE_URL',
        ]) {
          assert.match(error.message, new RegExp(name));
        }
        return true;
      },
    );
  });

  it('refuses a plain-http public URL in production but allows loopback and development', () => {
    const http = { ...VALID, PUBLIC_URL: 'http://bridge.example.com' };
    assert.throws(
      () => loadConfig(http),
      (error: unknown) => error instanceof ConfigError && /https/.test(error.message),
    );
    assert.equal(loadConfig(http, { mode: 'development' }).publicUrl, 'http://bridge.example.com');
    assert.equal(
      loadConfig({ ...VALID, PUBLIC_URL: 'http://127.0.0.1:3000' }).publicUrl,
      'http://127.0.0.1:3000',
    );
  });

  it('rejects an unknown phone region and an unknown synchronous mode', () => {
    assert.throws(
      () => loadConfig({ ...VALID, DEFAULT_PHONE_REGION: 'XX', SQLITE_SYNCHRONOUS: 'OFF' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /DEFAULT_PHONE_REGION/.test(error.message) &&
        /SQLITE_SYNCHRONOUS/.test(error.message),
    );
  });
});
