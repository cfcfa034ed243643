/**
 * The shipped emergency mode profiles (resources/modes/profiles/): each parses with modeProfileSchema, one per event
 * type, named after its id, concerning only categories the taxonomy has, and graded — nothing gets milder from
 * level IV up to level I. And the schema itself refuses the broken profiles an editor could produce.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EMERGENCY_LEVELS } from '../../../../../shared/domain/modes/emergency-levels';
import { EMERGENCY_EVENT_TYPES } from '../../../../../shared/domain/modes/event-types';
import { fillTemplate, modeProfileSchema, type ModeProfile } from '../../../../../shared/domain/modes/mode-profile';
import { categoriesFileSchema, flattenCategories } from '../../../../../shared/domain/taxonomy';
import { deadlineOf, PRIORITY_DEADLINE_FACTORS } from '../../../../../shared/domain/tickets/deadlines';

const PROFILES_DIR = new URL('../../../../../resources/modes/profiles/', import.meta.url);
const readJson = (url: URL): unknown => JSON.parse(readFileSync(url, 'utf8'));

const files = readdirSync(PROFILES_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort();
const raw = new Map(files.map((name) => [name, readJson(new URL(name, PROFILES_DIR))]));
const profiles = new Map<string, ModeProfile>();
for (const [name, value] of raw) {
  const parsed = modeProfileSchema.safeParse(value);
  if (parsed.success) profiles.set(name, parsed.data);
}

const taxonomy = categoriesFileSchema.parse(
  readJson(new URL('../../../../../resources/taxonomy/categories.json', import.meta.url)),
);
const categoryCodes = new Set(flattenCategories(taxonomy.categories).map((row) => row.code));

/** Each level paired with the next more severe one: IV→III, III→II, II→I. */
const STEPS = EMERGENCY_LEVELS.slice(1).map((level, index) => [EMERGENCY_LEVELS[index]!, level] as const);
const PRIORITY_RANK = { urgent: 0, emergency: 1 } as const;
/** The share of a category's hours a ticket filed while the level holds gets: the level's factor, then its priority's. */
const deadlineShare = (effect: ModeProfile['levels']['I']): number =>
  effect.tickets.deadlineFactor * PRIORITY_DEADLINE_FACTORS[effect.tickets.priority];

/** Everything found wrong in one profile's grading, as readable lines (empty when it is graded). */
function gradingProblems(profile: ModeProfile): string[] {
  const problems: string[] = [];
  for (const [milder, graver] of STEPS) {
    const a = profile.levels[milder];
    const b = profile.levels[graver];
    const step = `${milder}→${graver}`;
    if (b.tickets.deadlineFactor > a.tickets.deadlineFactor) problems.push(`${step}: deadlineFactor rises`);
    if (PRIORITY_RANK[b.tickets.priority] < PRIORITY_RANK[a.tickets.priority]) problems.push(`${step}: priority falls`);
    if (deadlineShare(b) > deadlineShare(a)) problems.push(`${step}: the deadline share rises`);
    if (b.ackWithinSeconds > a.ackWithinSeconds) problems.push(`${step}: ackWithinSeconds rises`);
    for (const group of a.roster) if (!b.roster.includes(group)) problems.push(`${step}: roster drops ${group}`);
    for (const code of a.tickets.categories) {
      if (!b.tickets.categories.some((prefix) => code.startsWith(prefix))) problems.push(`${step}: drops ${code}`);
    }
    for (const effect of a.sensors) {
      const next = b.sensors.find((other) => other.kind === effect.kind);
      if (next === undefined) {
        problems.push(`${step}: drops sensor kind ${effect.kind}`);
        continue;
      }
      if (next.warnFactor > effect.warnFactor) problems.push(`${step}: ${effect.kind} warnFactor rises`);
      if (next.alarmFactor > effect.alarmFactor) problems.push(`${step}: ${effect.kind} alarmFactor rises`);
      if (next.cadenceSeconds > effect.cadenceSeconds) problems.push(`${step}: ${effect.kind} cadence slows`);
    }
  }
  return problems;
}

describe('the shipped mode profiles', () => {
  it('all parse with modeProfileSchema', () => {
    expect(files.length).toBeGreaterThan(0);
    const failures = [...raw].flatMap(([name, value]) => {
      const parsed = modeProfileSchema.safeParse(value);
      return parsed.success ? [] : [`${name}: ${parsed.error.message}`];
    });
    expect(failures).toEqual([]);
  });

  it('are one per emergency event type, each in a file named after its id, at version 1 or later', () => {
    expect([...profiles.values()].map((profile) => profile.eventType).sort()).toEqual(
      [...EMERGENCY_EVENT_TYPES].sort(),
    );
    for (const [name, profile] of profiles) {
      expect(name).toBe(`${profile.id}.json`);
      expect(profile.version).toBeGreaterThanOrEqual(1);
    }
    expect(new Set([...profiles.values()].map((profile) => profile.id)).size).toBe(profiles.size);
  });

  it('concern only ticket categories the taxonomy has, without listing a code under one already listed', () => {
    for (const profile of profiles.values()) {
      for (const level of EMERGENCY_LEVELS) {
        const codes = profile.levels[level].tickets.categories;
        expect(codes.length, `${profile.id} ${level}`).toBeGreaterThan(0);
        expect(
          codes.filter((code) => !categoryCodes.has(code)),
          `${profile.id} ${level}`,
        ).toEqual([]);
        const covered = codes.filter((code) => codes.some((prefix) => prefix !== code && code.startsWith(prefix)));
        expect(covered, `${profile.id} ${level}`).toEqual([]);
      }
    }
  });

  it('grow more severe from level IV to level I and never milder', () => {
    for (const profile of profiles.values()) {
      expect(gradingProblems(profile), profile.id).toEqual([]);
      // Graded, not flat: level I is strictly harsher than level IV, and its tickets are of the highest priority.
      expect(deadlineShare(profile.levels.I), profile.id).toBeLessThan(deadlineShare(profile.levels.IV));
      expect(profile.levels.I.tickets.priority, profile.id).toBe('emergency');
      // Mild at IV (no more than the urgent priority's own halving), yet never an absurdly short deadline at I.
      expect(deadlineShare(profile.levels.IV), profile.id).toBeLessThanOrEqual(0.5);
      expect(deadlineShare(profile.levels.I), profile.id).toBeGreaterThanOrEqual(0.1);
    }
  });

  it('set up the map for each sensor kind they tighten, and word the broadcast with every placeholder', () => {
    for (const profile of profiles.values()) {
      const kinds = new Set(EMERGENCY_LEVELS.flatMap((level) => profile.levels[level].sensors.map((s) => s.kind)));
      if (kinds.size > 0) {
        expect(profile.layers.hide, profile.id).not.toContain('sensors');
        if (profile.layers.sensorKinds !== undefined) {
          expect(
            [...kinds].filter((kind) => !profile.layers.sensorKinds!.includes(kind)),
            profile.id,
          ).toEqual([]);
        }
      }
      for (const text of [profile.broadcast.zh, profile.broadcast.en]) {
        for (const placeholder of ['{level}', '{event}', '{scope}']) expect(text, profile.id).toContain(placeholder);
        expect(fillTemplate(text, { level: 'L', event: 'E', scope: 'S' }), profile.id).not.toMatch(/[{}]/);
      }
    }
  });

  it('keep the flood profile as the brief grades it, after the 20 July 2021 rainstorm', () => {
    const flood = profiles.get('rainstorm-flood.json');
    expect(flood).toBeDefined();
    expect(flood!.layers.sensorKinds).toEqual(['water_level', 'rainfall']);
    expect(flood!.layers.show).toEqual(expect.arrayContaining(['sensors', 'workers', 'liveTickets']));
    expect(flood!.layers.hide).toEqual(expect.arrayContaining(['heatmap', 'fill']));
    const gauge = (level: (typeof EMERGENCY_LEVELS)[number]) =>
      flood!.levels[level].sensors.find((effect) => effect.kind === 'water_level');
    expect(gauge('IV')).toMatchObject({ warnFactor: 0.9 });
    expect(gauge('I')).toMatchObject({ warnFactor: 0.6, alarmFactor: 0.75 });
    expect(gauge('I')!.cadenceSeconds).toBeLessThanOrEqual(15);
    // Level I: a quarter of the category's hours at most, e.g. a 2-hour waterlogging ticket due within 15 minutes.
    expect(deadlineShare(flood!.levels.I)).toBeLessThanOrEqual(0.25);
    expect(deadlineOf(0, 2, flood!.levels.I.tickets.priority) * flood!.levels.I.tickets.deadlineFactor).toBe(900);
    expect(flood!.levels.I.roster).toHaveLength(8);
  });
});

describe('modeProfileSchema refuses a broken profile', () => {
  const flood = raw.get('rainstorm-flood.json');
  /** A fresh, editable copy of the shipped flood profile. */
  const base = (): ModeProfile => structuredClone(modeProfileSchema.parse(flood));
  const issues = (value: unknown): string[] => {
    const parsed = modeProfileSchema.safeParse(value);
    return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  };

  it('accepts the unbroken copy it starts from', () => {
    expect(issues(base())).toEqual([]);
  });

  it('with a layer both shown and hidden', () => {
    const profile = base();
    profile.layers.hide.push('workers');
    const found = issues(profile);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^layers: shown and hidden at once: workers$/);
  });

  it('with a sensor kind twice in one level', () => {
    const profile = base();
    profile.levels.II.sensors.push({ ...profile.levels.II.sensors[0]! });
    const found = issues(profile);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^levels\.II\.sensors: a sensor kind twice$/);
  });

  it('with a factor or a cadence out of range', () => {
    const cases: Array<[string, (profile: ModeProfile) => void, RegExp]> = [
      ['warnFactor 0', (p) => (p.levels.I.sensors[0]!.warnFactor = 0), /^levels\.I\.sensors\.0\.warnFactor:/],
      ['alarmFactor 2.5', (p) => (p.levels.IV.sensors[0]!.alarmFactor = 2.5), /^levels\.IV\.sensors\.0\.alarmFactor:/],
      [
        'deadlineFactor 1.5',
        (p) => (p.levels.III.tickets.deadlineFactor = 1.5),
        /^levels\.III\.tickets\.deadlineFactor:/,
      ],
      [
        'deadlineFactor 0.01',
        (p) => (p.levels.I.tickets.deadlineFactor = 0.01),
        /^levels\.I\.tickets\.deadlineFactor:/,
      ],
      ['cadence 1 s', (p) => (p.levels.I.sensors[1]!.cadenceSeconds = 1), /^levels\.I\.sensors\.1\.cadenceSeconds:/],
    ];
    for (const [label, breakIt, path] of cases) {
      const profile = base();
      breakIt(profile);
      const found = issues(profile);
      expect(found, label).toHaveLength(1);
      expect(found[0], label).toMatch(path);
    }
  });

  it('with an alarm threshold far below its warning threshold', () => {
    const profile = base();
    Object.assign(profile.levels.III.sensors[0]!, { warnFactor: 1.8, alarmFactor: 0.5 });
    expect(issues(profile)).toEqual([
      expect.stringMatching(/^levels\.III\.sensors: water_level: the alarm would come/),
    ]);
  });

  it('with an unknown event type, layer, sensor kind, duty group or category code', () => {
    const cases: Array<[string, (profile: Record<string, unknown>) => void, RegExp]> = [
      ['event type', (p) => (p.eventType = 'tornado'), /^eventType:/],
      ['layer', (p) => (p.layers as { show: string[] }).show.push('satellite'), /^layers\.show\.3:/],
      [
        'sensor kind',
        (p) => ((p.layers as { sensorKinds: string[] }).sensorKinds[0] = 'smoke'),
        /^layers\.sensorKinds\.0:/,
      ],
      [
        'duty group',
        (p) => (p.levels as ModeProfile['levels']).IV.roster.push('army' as never),
        /^levels\.IV\.roster\.3:/,
      ],
      [
        'category code of odd length',
        (p) => (p.levels as ModeProfile['levels']).IV.tickets.categories.push('120'),
        /^levels\.IV\.tickets\.categories\.\d+:/,
      ],
    ];
    for (const [label, breakIt, path] of cases) {
      const profile = base() as unknown as Record<string, unknown>;
      breakIt(profile);
      const found = issues(profile);
      expect(found, label).toHaveLength(1);
      expect(found[0], label).toMatch(path);
    }
  });

  it('with a level missing or a field it does not know', () => {
    const missing = base() as unknown as { levels: Record<string, unknown> };
    delete missing.levels.II;
    expect(issues(missing)).toEqual([expect.stringMatching(/^levels\.II:/)]);
    const extra = { ...base(), colour: '#ff0000' };
    expect(issues(extra)).toHaveLength(1);
    const version0 = { ...base(), version: 0 };
    expect(issues(version0)).toEqual([expect.stringMatching(/^version:/)]);
  });
});
