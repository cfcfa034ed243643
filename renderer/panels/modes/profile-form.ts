/**
 * The mode-profile editor's logic, apart from React so it can be tested on its own: who may edit (a city commander:
 * `mode.switch` over the whole city, as `modes.saveProfile` demands), the draft's validation by the shared
 * `modeProfileSchema` (the same the main process applies), and each issue placed next to the field it concerns.
 */
import type { ModeProfile, SensorEffect } from '../../../shared/domain/modes/mode-profile';
import { modeProfileSchema } from '../../../shared/domain/modes/mode-profile';
import { EMERGENCY_LEVELS } from '../../../shared/domain/modes/emergency-levels';
import { SENSOR_KINDS, type SensorKind } from '../../../shared/domain/point-classes';

/** One thing wrong with a draft: the dotted path of the value (`levels.III.sensors.0.warnFactor`) and what is wrong. */
export interface ProfileIssue {
  path: string;
  message: string;
}

/** Where issues no field claims (a bad id, an unknown key) are gathered: the editor shows them above the form. */
export const GENERAL = '';

/** Whether the operator may save profiles: `mode.switch` held with a city-wide scope (a city commander). */
export function mayEditProfiles(canSwitch: boolean, scope: { kind: string } | null | undefined): boolean {
  return canSwitch && scope?.kind === 'city';
}

/** The draft checked as `modes.saveProfile` will check it: the profile to save, or every issue found. */
export function validateProfile(
  draft: unknown,
): { ok: true; profile: ModeProfile } | { ok: false; issues: ProfileIssue[] } {
  const parsed = modeProfileSchema.safeParse(draft);
  if (parsed.success) return { ok: true, profile: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  };
}

/**
 * Issues a refusal of `modes.saveProfile` carried (invalid-input: paths from the call's input, so under `profile.`),
 * as paths into the profile.
 */
export function refusalIssues(issues: readonly ProfileIssue[] | undefined): ProfileIssue[] {
  return (issues ?? []).map((issue) => ({
    path: issue.path === 'profile' ? GENERAL : issue.path.replace(/^profile\./, ''),
    message: issue.message,
  }));
}

/** The fields the editor shows for `draft`, by the dotted path of the value each edits. */
export function profileFields(draft: ModeProfile): string[] {
  const fields = [
    'name.zh',
    'name.en',
    'description.zh',
    'description.en',
    'layers',
    'layers.show',
    'layers.hide',
    'layers.sensorKinds',
    'broadcast.zh',
    'broadcast.en',
  ];
  for (const level of EMERGENCY_LEVELS) {
    const base = `levels.${level}`;
    fields.push(`${base}.sensors`);
    (draft.levels[level]?.sensors ?? []).forEach((_, i) => {
      for (const column of ['kind', 'warnFactor', 'alarmFactor', 'cadenceSeconds']) {
        fields.push(`${base}.sensors.${i}.${column}`);
      }
    });
    fields.push(
      `${base}.tickets.categories`,
      `${base}.tickets.deadlineFactor`,
      `${base}.tickets.priority`,
      `${base}.roster`,
      `${base}.ackWithinSeconds`,
    );
  }
  return fields;
}

/**
 * Every issue placed at the field it concerns: the field whose path is the issue's or the longest one above it (a
 * bad ticket category `levels.I.tickets.categories.2` goes to `levels.I.tickets.categories`, a sensor kind listed
 * twice `levels.I.sensors` to the level's sensor table). Issues no field claims go to {@link GENERAL}.
 */
export function issuesByField(issues: readonly ProfileIssue[], fields: readonly string[]): Map<string, ProfileIssue[]> {
  const placed = new Map<string, ProfileIssue[]>();
  for (const issue of issues) {
    let field = GENERAL;
    for (const candidate of fields) {
      const claims = issue.path === candidate || issue.path.startsWith(`${candidate}.`);
      if (claims && candidate.length > field.length) field = candidate;
    }
    placed.set(field, [...(placed.get(field) ?? []), issue]);
  }
  return placed;
}

/** A number typed into a field: NaN for an empty or unreadable one, so the schema says it is missing. */
export function typedNumber(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** Ticket category codes typed into one field, separated by commas (either width) or spaces. */
export function typedCategories(text: string): string[] {
  return text.split(/[\s,，、]+/).filter((code) => code !== '');
}

/** A new sensor row for a level: the first kind it does not have yet, with neutral factors. */
export function newSensorEffect(existing: readonly SensorEffect[]): SensorEffect {
  const kind: SensorKind = SENSOR_KINDS.find((candidate) => !existing.some((e) => e.kind === candidate)) ?? 'gas';
  return { kind, warnFactor: 1, alarmFactor: 1, cadenceSeconds: 300 };
}

/** The versions kept of one profile, newest first. */
export function versionsOf<T extends { id: string; version: number }>(versions: readonly T[], id: string): T[] {
  return versions.filter((entry) => entry.id === id).sort((a, b) => b.version - a.version);
}
