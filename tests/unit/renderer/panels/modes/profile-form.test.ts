import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GENERAL,
  issuesByField,
  mayEditProfiles,
  newSensorEffect,
  profileFields,
  refusalIssues,
  typedCategories,
  typedNumber,
  validateProfile,
  versionsOf,
} from '../../../../../renderer/panels/modes/profile-form';
import type { ModeProfile } from '../../../../../shared/domain/modes/mode-profile';

const shipped = JSON.parse(
  readFileSync(new URL('../../../../../resources/modes/profiles/rainstorm-flood.json', import.meta.url), 'utf8'),
) as ModeProfile;
const draft = (): ModeProfile => structuredClone(shipped);

/** The draft's issues placed at the editor's fields, as path → messages. */
function placed(profile: ModeProfile): Record<string, string[]> {
  const checked = validateProfile(profile);
  if (checked.ok) return {};
  const byField = issuesByField(checked.issues, profileFields(profile));
  return Object.fromEntries([...byField].map(([field, issues]) => [field, issues.map((issue) => issue.path)]));
}

describe('who may edit profiles', () => {
  it('is a mode.switch holder with the whole city as scope, nobody else', () => {
    expect(mayEditProfiles(true, { kind: 'city' })).toBe(true);
    expect(mayEditProfiles(true, { kind: 'county' })).toBe(false);
    expect(mayEditProfiles(true, { kind: 'l1' })).toBe(false);
    expect(mayEditProfiles(false, { kind: 'city' })).toBe(false);
    expect(mayEditProfiles(true, null)).toBe(false);
    expect(mayEditProfiles(true, undefined)).toBe(false);
  });
});

describe('validateProfile', () => {
  it('accepts a shipped profile as it is', () => {
    const checked = validateProfile(draft());
    expect(checked.ok).toBe(true);
    if (checked.ok) expect(checked.profile.id).toBe('rainstorm-flood');
  });

  it('lists every issue, with dotted paths, not just the first', () => {
    const profile = draft();
    profile.levels.III.sensors[0]!.warnFactor = 0.05;
    profile.levels.I.ackWithinSeconds = 10;
    profile.broadcast.en = '';
    const checked = validateProfile(profile);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.issues.map((issue) => issue.path).sort()).toEqual([
      'broadcast.en',
      'levels.I.ackWithinSeconds',
      'levels.III.sensors.0.warnFactor',
    ]);
    expect(checked.issues.every((issue) => issue.message.length > 0)).toBe(true);
  });
});

describe('issues placed next to their fields', () => {
  it('puts a bad number in a sensor row at that cell, of that level only', () => {
    const profile = draft();
    profile.levels.II.sensors[1]!.cadenceSeconds = 1;
    profile.levels.IV.sensors[0]!.alarmFactor = Number.NaN;
    expect(placed(profile)).toEqual({
      'levels.II.sensors.1.cadenceSeconds': ['levels.II.sensors.1.cadenceSeconds'],
      'levels.IV.sensors.0.alarmFactor': ['levels.IV.sensors.0.alarmFactor'],
    });
  });

  it('puts a sensor kind listed twice, and an alarm far below the warning, at the level sensor table', () => {
    const profile = draft();
    const first = profile.levels.III.sensors[0]!;
    profile.levels.III.sensors.push({ ...first });
    profile.levels.I.sensors[0] = { ...profile.levels.I.sensors[0]!, warnFactor: 1.8, alarmFactor: 0.5 };
    expect(placed(profile)).toEqual({
      'levels.III.sensors': ['levels.III.sensors'],
      'levels.I.sensors': ['levels.I.sensors'],
    });
  });

  it('puts a bad ticket category at the categories field, not at a level whose name starts the same', () => {
    const profile = draft();
    profile.levels.I.tickets.categories = ['05', 'x1'];
    profile.levels.I.tickets.deadlineFactor = 2;
    const result = placed(profile);
    expect(result).toEqual({
      'levels.I.tickets.categories': ['levels.I.tickets.categories.1'],
      'levels.I.tickets.deadlineFactor': ['levels.I.tickets.deadlineFactor'],
    });
    expect(Object.keys(result).some((field) => field.startsWith('levels.IV') || field.startsWith('levels.II'))).toBe(
      false,
    );
  });

  it('puts a layer both shown and hidden at the layer preset, and an empty sensor kind list at its checkboxes', () => {
    const profile = draft();
    profile.layers.show = ['sensors', 'workers'];
    profile.layers.hide = ['workers'];
    profile.layers.sensorKinds = [];
    expect(placed(profile)).toEqual({ layers: ['layers'], 'layers.sensorKinds': ['layers.sensorKinds'] });
  });

  it('puts an empty broadcast template at its language, and the roster and ack time at theirs', () => {
    const profile = draft();
    profile.broadcast.zh = '';
    (profile.levels.II.roster as string[]) = ['city_command', 'astronauts'];
    profile.levels.II.ackWithinSeconds = 1.5;
    expect(placed(profile)).toEqual({
      'broadcast.zh': ['broadcast.zh'],
      'levels.II.roster': ['levels.II.roster.1'],
      'levels.II.ackWithinSeconds': ['levels.II.ackWithinSeconds'],
    });
  });

  it('gathers issues no field claims under the general heading', () => {
    const profile = { ...draft(), id: 'Not An Id', extra: true } as unknown as ModeProfile;
    const result = placed(profile);
    expect(Object.keys(result)).toEqual([GENERAL]);
    expect(result[GENERAL]).toHaveLength(2);
    expect(result[GENERAL]).toContain('id');
  });

  it('matches whole path segments only: a path that merely starts with a field name is not that field', () => {
    const fields = ['layers', 'levels.I.roster'];
    const byField = issuesByField(
      [
        { path: 'layersExtra', message: 'unknown' },
        { path: 'levels.I.rosterNote', message: 'unknown' },
        { path: 'levels.I.roster.0', message: 'bad group' },
      ],
      fields,
    );
    expect(byField.get(GENERAL)?.map((issue) => issue.path)).toEqual(['layersExtra', 'levels.I.rosterNote']);
    expect(byField.get('levels.I.roster')?.map((issue) => issue.path)).toEqual(['levels.I.roster.0']);
    expect(byField.has('layers')).toBe(false);
  });

  it('has a field for every cell of every sensor row the draft holds', () => {
    const profile = draft();
    const fields = profileFields(profile);
    profile.levels.III.sensors.forEach((_, i) => {
      for (const column of ['kind', 'warnFactor', 'alarmFactor', 'cadenceSeconds']) {
        expect(fields).toContain(`levels.III.sensors.${i}.${column}`);
      }
    });
    expect(fields).not.toContain(`levels.III.sensors.${profile.levels.III.sensors.length}.kind`);
  });
});

describe('the editor inputs', () => {
  it('reads an empty or unreadable number as NaN, which the schema refuses', () => {
    expect(typedNumber('0.85')).toBe(0.85);
    expect(typedNumber('')).toBeNaN();
    expect(typedNumber('  ')).toBeNaN();
    expect(typedNumber('abc')).toBeNaN();
    const profile = draft();
    profile.levels.IV.tickets.deadlineFactor = typedNumber('');
    expect(placed(profile)).toEqual({
      'levels.IV.tickets.deadlineFactor': ['levels.IV.tickets.deadlineFactor'],
    });
  });

  it('splits ticket categories on ASCII and Chinese commas and spaces', () => {
    expect(typedCategories('05, 0203，110204、 11 ')).toEqual(['05', '0203', '110204', '11']);
    expect(typedCategories('')).toEqual([]);
  });

  it('adds a sensor row of a kind the level does not have yet', () => {
    expect(newSensorEffect([]).kind).toBe('gas');
    const row = newSensorEffect([
      { kind: 'gas', warnFactor: 1, alarmFactor: 1, cadenceSeconds: 60 },
      { kind: 'water', warnFactor: 1, alarmFactor: 1, cadenceSeconds: 60 },
    ]);
    expect(row.kind).toBe('heat');
    const profile = draft();
    profile.levels.IV.sensors = profile.levels.IV.sensors.filter((effect) => effect.kind !== row.kind);
    profile.levels.IV.sensors.push(newSensorEffect(profile.levels.IV.sensors));
    expect(validateProfile(profile).ok).toBe(true);
  });

  it('maps a refusal from the main process (paths under profile.) onto the same fields', () => {
    const issues = refusalIssues([
      { path: 'profile.levels.I.ackWithinSeconds', message: 'Too small' },
      { path: 'profile', message: 'Invalid input' },
    ]);
    expect(issues).toEqual([
      { path: 'levels.I.ackWithinSeconds', message: 'Too small' },
      { path: GENERAL, message: 'Invalid input' },
    ]);
    const byField = issuesByField(issues, profileFields(draft()));
    expect(byField.get('levels.I.ackWithinSeconds')).toHaveLength(1);
    expect(byField.get(GENERAL)).toHaveLength(1);
    expect(refusalIssues(undefined)).toEqual([]);
  });

  it('lists the versions kept of one profile, newest first', () => {
    const versions = [
      { id: 'fire', version: 1, savedBy: 'resources', savedAt: 10 },
      { id: 'rainstorm-flood', version: 1, savedBy: 'resources', savedAt: 10 },
      { id: 'rainstorm-flood', version: 3, savedBy: 'chief', savedAt: 30 },
      { id: 'rainstorm-flood', version: 2, savedBy: 'chief', savedAt: 20 },
    ];
    expect(versionsOf(versions, 'rainstorm-flood').map((entry) => entry.version)).toEqual([3, 2, 1]);
    expect(versionsOf(versions, 'gas-leak')).toEqual([]);
  });
});
