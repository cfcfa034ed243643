/**
 * A JSON-lines logger. Everything goes to the data directory's log file; warnings and errors also go to stderr so an
 * operator running the console from a terminal sees them.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export function createFileLogger(file: string, options: { echoToStderr?: boolean } = {}): Logger {
  mkdirSync(dirname(file), { recursive: true });
  const echo = options.echoToStderr ?? true;
  const write = (level: LogLevel, event: string, fields: LogFields = {}): void => {
    const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields });
    appendFileSync(file, `${line}\n`);
    if (echo && level !== 'info') process.stderr.write(`${line}\n`);
  };
  return {
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}

/** Keeps entries in memory: for tests that assert what was logged. */
export function createMemoryLogger(): Logger & { entries: { level: LogLevel; event: string; fields: LogFields }[] } {
  const entries: { level: LogLevel; event: string; fields: LogFields }[] = [];
  const push =
    (level: LogLevel) =>
    (event: string, fields: LogFields = {}) => {
      entries.push({ level, event, fields });
    };
  return { entries, info: push('info'), warn: push('warn'), error: push('error') };
}
