/**
 * The mode profiles (issue #8) as this console keeps them: every version in `mode_profiles`. The profiles shipped in
 * resources/modes/profiles/ are added at start (a version already kept is left alone); a city commander saves new
 * versions from the console. A switch applies the latest version of its event type's profile and carries it whole on
 * the stream, so every console applies the same one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContractError } from '../../../shared/contract';
import type { EmergencyEventType } from '../../../shared/domain/modes/event-types';
import { modeProfileSchema, type ModeProfile } from '../../../shared/domain/modes/mode-profile';
import type { Store } from '../store/store';

export class ModeProfiles {
  constructor(
    private readonly store: Store,
    resourcesDir: string,
    now: () => number,
  ) {
    const dir = join(resourcesDir, 'modes', 'profiles');
    const insert = store.writer.prepare(
      "INSERT OR IGNORE INTO mode_profiles (id, version, body, saved_by, saved_at) VALUES (?, ?, ?, 'resources', ?)",
    );
    const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
    store.writer.transaction(() => {
      for (const file of files) {
        const parsed = modeProfileSchema.safeParse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
        // A broken shipped profile is a build error (the profile test fails first): the console refuses to start on it
        // rather than switch modes by a profile nobody checked.
        if (!parsed.success) throw new Error(`resources/modes/profiles/${file}: ${parsed.error.issues[0]?.message}`);
        insert.run(parsed.data.id, parsed.data.version, JSON.stringify(parsed.data), now());
      }
    })();
  }

  /** The latest version of each profile. */
  latest(): ModeProfile[] {
    const rows = this.store
      .reader()
      .prepare(
        'SELECT body FROM mode_profiles p WHERE version = (SELECT MAX(version) FROM mode_profiles q WHERE q.id = p.id) ' +
          'ORDER BY id',
      )
      .pluck()
      .all() as string[];
    return rows.map((body) => JSON.parse(body) as ModeProfile);
  }

  /** The latest version of the profile for an event type. */
  forEventType(eventType: EmergencyEventType): ModeProfile {
    const profile = this.latest().find((candidate) => candidate.eventType === eventType);
    if (!profile) throw new ContractError({ code: 'refused', message: `no mode profile for ${eventType}` });
    return profile;
  }

  versions(): { id: string; version: number; savedBy: string; savedAt: number }[] {
    return this.store
      .reader()
      .prepare(
        'SELECT id, version, saved_by AS savedBy, saved_at AS savedAt FROM mode_profiles ORDER BY saved_at DESC, id, ' +
          'version DESC',
      )
      .all() as { id: string; version: number; savedBy: string; savedAt: number }[];
  }

  /** Saves a profile as the next version of its id (whatever version it says); returns that version. */
  save(profile: ModeProfile, by: string, now: number): { id: string; version: number } {
    const db = this.store.writer;
    return db.transaction(() => {
      const last = db.prepare('SELECT MAX(version) FROM mode_profiles WHERE id = ?').pluck().get(profile.id) as
        number | null;
      const others = this.latest().filter((other) => other.id !== profile.id);
      if (others.some((other) => other.eventType === profile.eventType)) {
        throw new ContractError({
          code: 'refused',
          message: `another profile already serves ${profile.eventType}: save a version of it instead`,
        });
      }
      const version = (last ?? 0) + 1;
      db.prepare('INSERT INTO mode_profiles (id, version, body, saved_by, saved_at) VALUES (?, ?, ?, ?, ?)').run(
        profile.id,
        version,
        JSON.stringify({ ...profile, version }),
        by,
        now,
      );
      return { id: profile.id, version };
    })();
  }
}
