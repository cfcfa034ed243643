import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../../../electron/host/logger';
import { DEFAULT_SETTINGS, SettingsService } from '../../../../../electron/services/settings/settings-service';
import type { Settings } from '../../../../../shared/contract';

function setup(dataDir = mkdtempSync(join(tmpdir(), 'gridline-settings-'))) {
  const log = createMemoryLogger();
  const changes: Settings[] = [];
  const service = new SettingsService(dataDir, log, (next) => changes.push(next));
  return { dataDir, log, changes, service };
}

describe('settings service', () => {
  it('starts in Simplified Chinese', () => {
    expect(setup().service.get()).toEqual({ language: 'zh-CN' });
    expect(DEFAULT_SETTINGS.language).toBe('zh-CN');
  });

  it('persists a change, announces it once, and reloads it in a new process', () => {
    const { dataDir, service, changes } = setup();
    service.update({ language: 'en' });
    service.update({ language: 'en' });
    expect(changes).toEqual([{ language: 'en' }]);
    expect(setup(dataDir).service.get()).toEqual({ language: 'en' });
    expect(existsSync(join(dataDir, 'settings.json.tmp'))).toBe(false);
  });

  it('keeps a damaged file aside, logs it and falls back to the defaults', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gridline-settings-'));
    writeFileSync(join(dataDir, 'settings.json'), '{"language": "en", ');
    const { service, log } = setup(dataDir);
    expect(service.get()).toEqual({ language: 'zh-CN' });
    const aside = readdirSync(dataDir).find((name) => name.startsWith('settings.json.damaged-'));
    expect(aside).toBeDefined();
    expect(readFileSync(join(dataDir, aside!), 'utf8')).toBe('{"language": "en", ');
    expect(log.entries).toEqual([expect.objectContaining({ level: 'warn', event: 'settings.damaged-file' })]);
  });

  it('never stores a value outside the schema', () => {
    const { service } = setup();
    expect(() => service.update({ language: 'fr' as never })).toThrow();
    expect(service.get()).toEqual({ language: 'zh-CN' });
  });
});

describe('settings service on a failing disk', () => {
  it('keeps the settings that are on disk when a write fails, and announces nothing', () => {
    const { dataDir, service, changes } = setup();
    // A directory where the temporary file should go makes the write fail.
    mkdirSync(join(dataDir, 'settings.json.tmp'));
    expect(() => service.update({ language: 'en' })).toThrow();
    expect(service.get()).toEqual({ language: 'zh-CN' });
    expect(changes).toEqual([]);
  });
});
