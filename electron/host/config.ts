/**
 * Host configuration from command-line flags and environment variables (flags win). Documented in the README.
 *
 *   --data-dir DIR     GRIDLINE_DATA_DIR     where the console keeps its store, settings and logs
 *   --port N           GRIDLINE_PORT         web host port (0 picks a free one)          default 5170
 *   --host ADDR        GRIDLINE_HOST         web host bind address                       default 127.0.0.1
 *   --allow-origin O   GRIDLINE_ALLOW_ORIGINS  extra origins allowed to open the contract socket (comma-separated)
 *   --city-scale S     GRIDLINE_CITY_SCALE   size of the default city generated on an empty data directory:
 *                                            full (default), medium or small
 *   --hub URL          GRIDLINE_HUB_URL      the command hub to broadcast through (none: broadcasting is off)
 *   --hub-secrets F    GRIDLINE_HUB_CONSOLE_SECRET  the hub's console secret, or the hub-secrets.json it wrote
 *   --tls-cert F       GRIDLINE_TLS_CERT     PEM certificate (chain) for the web host: HTTPS and WSS
 *   --tls-key F        GRIDLINE_TLS_KEY      its PEM private key. Binding --host beyond loopback requires both.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CITY_SCALES, type CityScale } from '../services/city/generator/scale';

export interface HostConfig {
  dataDir: string;
  port: number;
  host: string;
  allowedOrigins: string[];
  cityScale: CityScale;
  hub?: { url: string; consoleSecret: string };
  /** PEM certificate and key: the web host serves HTTPS (and its contract socket WSS). */
  tls?: { cert: string; key: string };
}

export const DEFAULT_PORT = 5170;
export const LOOPBACK = '127.0.0.1';

/** Electron's userData folder for this product on each platform, so both hosts share one data directory. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Gridline');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Gridline');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Gridline');
}

export class ConfigError extends Error {}

/** parseArgs, with its errors (unknown flag, missing value) reported as configuration errors. */
function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`invalid port: ${raw}`);
  return port;
}

/**
 * `lenient` ignores flags that are not ours: Electron's command line also carries Chromium switches.
 */
export function resolveHostConfig(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  { lenient = false }: { lenient?: boolean } = {},
): HostConfig {
  const { values } = parseFlags({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'allow-origin': { type: 'string', multiple: true },
      'city-scale': { type: 'string' },
      hub: { type: 'string' },
      'hub-secrets': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
    strict: !lenient,
    allowPositionals: lenient,
  });
  // In lenient mode a flag given without its value parses as `true`: treat it as absent.
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const dataDir = text(values['data-dir']) ?? env.GRIDLINE_DATA_DIR ?? defaultDataDir(env);
  const portRaw = text(values.port) ?? env.GRIDLINE_PORT;
  const flagOrigins = values['allow-origin'];
  const extraOrigins = [
    ...(Array.isArray(flagOrigins) ? flagOrigins.filter((origin) => typeof origin === 'string') : []),
    ...(env.GRIDLINE_ALLOW_ORIGINS ?? '').split(',').filter(Boolean),
  ].map((origin) => origin.trim());
  for (const origin of extraOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new ConfigError(`invalid origin: ${origin}`);
  }
  const scaleRaw = text(values['city-scale']) ?? env.GRIDLINE_CITY_SCALE ?? 'full';
  const cityScale = CITY_SCALES.find((scale) => scale === scaleRaw);
  if (!cityScale) throw new ConfigError(`invalid city scale: ${scaleRaw} (full, medium or small)`);
  const hubUrl = text(values.hub) ?? env.GRIDLINE_HUB_URL;
  let hub: HostConfig['hub'];
  if (hubUrl) {
    if (!/^https?:\/\/[^/\s]+$/.test(hubUrl)) throw new ConfigError(`invalid hub URL: ${hubUrl}`);
    const secretsFile = text(values['hub-secrets']);
    const consoleSecret = secretsFile ? readConsoleSecret(secretsFile) : env.GRIDLINE_HUB_CONSOLE_SECRET;
    if (!consoleSecret) {
      throw new ConfigError('--hub needs the console secret: GRIDLINE_HUB_CONSOLE_SECRET or --hub-secrets FILE');
    }
    hub = { url: hubUrl, consoleSecret };
  }
  const host = text(values.host) ?? env.GRIDLINE_HOST ?? LOOPBACK;
  const tls = tlsFiles(
    text(values['tls-cert']) ?? env.GRIDLINE_TLS_CERT,
    text(values['tls-key']) ?? env.GRIDLINE_TLS_KEY,
  );
  // Beyond loopback the token, the cookie and every command would cross the network in the clear.
  if (!isLoopback(host) && !tls) {
    throw new ConfigError(
      `binding the web host to ${host} exposes the console to the network: give --tls-cert and --tls-key ` +
        '(GRIDLINE_TLS_CERT, GRIDLINE_TLS_KEY), or bind to 127.0.0.1',
    );
  }
  return {
    ...(hub ? { hub } : {}),
    ...(tls ? { tls } : {}),
    dataDir: resolve(dataDir),
    cityScale,
    port: portRaw === undefined ? DEFAULT_PORT : parsePort(portRaw),
    host,
    allowedOrigins: extraOrigins,
  };
}

/** Both files or neither; read now, so a wrong path is a configuration error and not a failed start later. */
function tlsFiles(certFile: string | undefined, keyFile: string | undefined): HostConfig['tls'] {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    throw new ConfigError('TLS needs both --tls-cert and --tls-key (GRIDLINE_TLS_CERT, GRIDLINE_TLS_KEY)');
  }
  const read = (file: string, what: string, marker: RegExp): string => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read the TLS ${what} ${file}: ${(error as Error).message}`);
    }
    if (!marker.test(text)) throw new ConfigError(`${file} is not a PEM ${what}`);
    return text;
  };
  return {
    cert: read(certFile, 'certificate', /-----BEGIN CERTIFICATE-----/),
    key: read(keyFile, 'private key', /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/),
  };
}

function readConsoleSecret(file: string): string {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { console?: unknown };
    if (typeof parsed.console === 'string' && parsed.console.length >= 16) return parsed.console;
  } catch (error) {
    throw new ConfigError(`cannot read the hub secrets in ${file}: ${String(error)}`);
  }
  throw new ConfigError(`${file} has no console secret`);
}

/** Loopback addresses: anything else exposes the console to the network and is logged as such. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
