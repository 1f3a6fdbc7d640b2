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

describe('loadConfig REQUEST_TIMEOUT_SECONDS and LOG_LEVEL', () => {
  it('defaults to a 60-second request timeout and the info log level', () => {
    const config = loadConfig(VALID);

    assert.equal(config.requestTimeoutMs, 60_000);
    assert.equal(config.logLevel, 'info');
  });

  it('reads a request timeout in seconds and any pino level or silent', () => {
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']) {
      const config = loadConfig({ ...VALID, REQUEST_TIMEOUT_SECONDS: '5', LOG_LEVEL: level });

      assert.equal(config.requestTimeoutMs, 5000);
      assert.equal(config.logLevel, level);
    }
  });

  it('names a bad timeout and an unknown log level in the one ConfigError', () => {
    for (const timeout of ['0', 'soon', '1.5']) {
      assert.throws(
        () =>
          loadConfig({ ...VALID, REQUEST_TIMEOUT_SECONDS: timeout, LOG_LEVEL: 'loud', PORT: 'x' }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(
            error.message,
            /REQUEST_TIMEOUT_SECONDS must be a whole number of at least 1/,
          );
          assert.match(
            error.message,
            /LOG_LEVEL must be one of trace, debug, info, warn, error, fatal or silent/,
          );
          assert.match(error.message, /PORT/);
          return true;
        },
      );
    }
  });
});
