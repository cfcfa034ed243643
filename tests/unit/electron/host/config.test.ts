import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_PORT,
  defaultDataDir,
  isLoopback,
  resolveHostConfig,
} from '../../../../electron/host/config';

describe('host configuration', () => {
  it('defaults to loopback, port 5170 and the per-user data directory', () => {
    const config = resolveHostConfig([], { XDG_CONFIG_HOME: '/home/duty/.config' });
    expect(config).toEqual({
      dataDir: resolve(defaultDataDir({ XDG_CONFIG_HOME: '/home/duty/.config' })),
      port: DEFAULT_PORT,
      host: '127.0.0.1',
      allowedOrigins: [],
      cityScale: 'full',
    });
  });

  it('matches Electron userData folders per platform', () => {
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/x' }, 'linux')).toBe(join('/x', 'Gridline'));
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\duty\\AppData\\Roaming' }, 'win32')).toContain('Gridline');
  });

  it('takes flags over environment variables', () => {
    const env = { GRIDLINE_DATA_DIR: '/env/data', GRIDLINE_PORT: '6000', GRIDLINE_HOST: '127.0.0.2' };
    expect(resolveHostConfig([], env)).toMatchObject({ dataDir: '/env/data', port: 6000, host: '127.0.0.2' });
    expect(resolveHostConfig(['--data-dir', '/flag/data', '--port', '0'], env)).toMatchObject({
      dataDir: '/flag/data',
      port: 0,
    });
  });

  it('collects allowed origins from flags and environment, and rejects malformed ones', () => {
    const config = resolveHostConfig(['--allow-origin', 'http://wall-1:8080'], {
      GRIDLINE_ALLOW_ORIGINS: 'http://wall-2:8080',
    });
    expect(config.allowedOrigins).toEqual(['http://wall-1:8080', 'http://wall-2:8080']);
    expect(() => resolveHostConfig(['--allow-origin', 'javascript:alert(1)'], {})).toThrow(ConfigError);
    expect(() => resolveHostConfig(['--allow-origin', 'http://a/b'], {})).toThrow(ConfigError);
  });

  it('rejects bad ports and unknown flags', () => {
    for (const port of ['-1', '65536', 'abc', '80.5']) {
      expect(() => resolveHostConfig(['--port', port], {})).toThrow(ConfigError);
    }
    expect(() => resolveHostConfig(['--bogus'], {})).toThrow(ConfigError);
    expect(() => resolveHostConfig(['--port'], {})).toThrow(ConfigError);
  });

  it('ignores Chromium switches in lenient mode (Electron command lines)', () => {
    const config = resolveHostConfig(
      ['/app', '--enable-logging', '--data-dir=/d', '--no-sandbox'],
      {},
      { lenient: true },
    );
    expect(config.dataDir).toBe('/d');
  });

  it('takes the city scale from flag or environment, and rejects unknown ones', () => {
    expect(resolveHostConfig(['--city-scale', 'small'], {}).cityScale).toBe('small');
    expect(resolveHostConfig([], { GRIDLINE_CITY_SCALE: 'medium' }).cityScale).toBe('medium');
    expect(() => resolveHostConfig(['--city-scale', 'huge'], {})).toThrow(ConfigError);
  });

  it('connects to a hub with its console secret from the environment or the secrets file, never without one', () => {
    const env = { GRIDLINE_HUB_URL: 'http://127.0.0.1:5180', GRIDLINE_HUB_CONSOLE_SECRET: 's'.repeat(20) };
    expect(resolveHostConfig([], env).hub).toEqual({ url: 'http://127.0.0.1:5180', consoleSecret: 's'.repeat(20) });
    const file = join(mkdtempSync(join(tmpdir(), 'gridline-config-')), 'hub-secrets.json');
    writeFileSync(file, JSON.stringify({ worker: 'w'.repeat(20), console: 'c'.repeat(20) }));
    expect(resolveHostConfig(['--hub', 'http://hub.example:5180', '--hub-secrets', file], {}).hub).toEqual({
      url: 'http://hub.example:5180',
      consoleSecret: 'c'.repeat(20),
    });
    expect(() => resolveHostConfig(['--hub', 'http://127.0.0.1:5180'], {})).toThrow(ConfigError);
    expect(() => resolveHostConfig(['--hub', 'ftp://x'], env)).toThrow('invalid hub URL');
    expect(() => resolveHostConfig(['--hub', 'http://x:1', '--hub-secrets', '/nonexistent'], {})).toThrow(ConfigError);
    expect(resolveHostConfig([], {}).hub).toBeUndefined();
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.8.0.3', 'localhost', '::1']) expect(isLoopback(host)).toBe(true);
    for (const host of ['0.0.0.0', '10.0.0.5', '::', 'example.org']) expect(isLoopback(host)).toBe(false);
  });

  it('binds beyond loopback only with TLS, both files, and real PEM', () => {
    const fixtures = join(__dirname, '..', 'web-host', 'fixtures');
    const cert = join(fixtures, 'test-only-cert.pem');
    const key = join(fixtures, 'test-only-key.pem');
    expect(() => resolveHostConfig(['--host', '0.0.0.0'], {})).toThrow(/exposes the console to the network/);
    expect(() => resolveHostConfig([], { GRIDLINE_HOST: '10.0.0.5' })).toThrow(/--tls-cert and --tls-key/);
    expect(() => resolveHostConfig(['--tls-cert', cert], {})).toThrow('TLS needs both');
    expect(() => resolveHostConfig(['--tls-cert', cert, '--tls-key', '/nonexistent.pem'], {})).toThrow(
      /cannot read the TLS private key/,
    );
    expect(() => resolveHostConfig(['--tls-cert', key, '--tls-key', key], {})).toThrow(/not a PEM certificate/);
    const config = resolveHostConfig(['--host', '0.0.0.0', '--tls-cert', cert, '--tls-key', key], {});
    expect(config.host).toBe('0.0.0.0');
    expect(config.tls?.cert).toContain('BEGIN CERTIFICATE');
    expect(config.tls?.key).toContain('PRIVATE KEY');
    // From the environment too; loopback with TLS is allowed (HTTPS on one desk).
    expect(resolveHostConfig([], { GRIDLINE_TLS_CERT: cert, GRIDLINE_TLS_KEY: key }).tls).toBeDefined();
  });
});
