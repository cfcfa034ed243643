/**
 * Console-wide settings (today: the UI language), kept in `settings.json` in the data directory and shared by every
 * window: a change in one window reaches the others through the `settings.changed` event.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsSchema, type Settings } from '../../../shared/contract';
import { DEFAULT_LANGUAGE } from '../../../shared/domain/language';
import type { Logger } from '../../host/logger';

export const DEFAULT_SETTINGS: Settings = { language: DEFAULT_LANGUAGE };

export class SettingsService {
  private current: Settings;
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly log: Logger,
    private readonly onChange: (settings: Settings) => void,
  ) {
    this.file = join(dataDir, 'settings.json');
    this.current = this.load();
  }

  get(): Settings {
    return { ...this.current };
  }

  update(patch: Partial<Settings>): Settings {
    const next = settingsSchema.parse({ ...this.current, ...patch });
    if (JSON.stringify(next) !== JSON.stringify(this.current)) {
      // Saved before it is adopted: a failed write leaves the console on the settings that are on disk.
      this.save(next);
      this.current = next;
      this.onChange(this.get());
    }
    return this.get();
  }

  /** A damaged file is kept aside (not lost) and the defaults are used. */
  private load(): Settings {
    if (!existsSync(this.file)) return { ...DEFAULT_SETTINGS };
    try {
      return settingsSchema.parse(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch (error) {
      const aside = `${this.file}.damaged-${Date.now()}`;
      renameSync(this.file, aside);
      this.log.warn('settings.damaged-file', { file: this.file, keptAs: aside, error: String(error) });
      return { ...DEFAULT_SETTINGS };
    }
  }

  /** Write-then-rename, so a crash mid-write never leaves a half file. */
  private save(settings: Settings): void {
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`);
    renameSync(temp, this.file);
  }
}
