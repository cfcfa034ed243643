/**
 * Emergency modes (issue #8): normal ↔ levels IV–I for an event type and a scope, previewed before, switched through
 * the hub (every console, every window), stepped and returned to normal with the same preview; the profiles that say
 * what a switch changes (versioned, editable by a city commander); each emergency's live timeline.
 *
 * Who may switch: `mode.switch` inside the operator's scope (the scope's counties and streets, resolved by the main
 * process); levels I and II need a second operator (the two-person rule, as city-wide broadcasts do). Anyone who sees
 * the console may preview: the preview says whether this operator may switch, and why not.
 */
import { z } from 'zod';
import { EMERGENCY_LEVELS } from '../domain/modes/emergency-levels';
import { EMERGENCY_EVENT_TYPES } from '../domain/modes/event-types';
import { DUTY_GROUPS, modeProfileSchema } from '../domain/modes/mode-profile';
import { modeScopeSchema } from '../domain/modes/mode-scope';
import { SENSOR_KINDS } from '../domain/point-classes';
import { MODE_ACTIONS } from '../protocol/mode-protocol';
import { event, invoke, notObjects } from './entry';

const words = z.strictObject({ zh: z.string(), en: z.string() });
const level = z.enum(EMERGENCY_LEVELS);
const emergencyId = z.string().regex(/^e-[0-9a-f-]{36}$/);
const person = z.strictObject({ username: z.string(), displayName: z.string() });

/** What the commander asks for: activate, step to another level, or return to normal (level null). */
export const modeSwitchRequestSchema = z
  .strictObject({
    action: z.enum(MODE_ACTIONS),
    eventType: z.enum(EMERGENCY_EVENT_TYPES),
    scope: modeScopeSchema,
    level: level.nullable(),
    /** A step or a return names the active emergency. */
    emergency: emergencyId.optional(),
    note: z.string().trim().max(1000).optional(),
  })
  .refine((request) => (request.action === 'deactivate') === (request.level === null), {
    message: 'a return to normal has no level; an activation or a step has one',
    path: ['level'],
  })
  .refine((request) => (request.action === 'activate') === (request.emergency === undefined), {
    message: 'a step or a return names its emergency; an activation does not',
    path: ['emergency'],
  });
export type ModeSwitchRequest = z.infer<typeof modeSwitchRequestSchema>;

export const emergencySchema = z.strictObject({
  id: emergencyId,
  key: z.string(),
  eventType: z.enum(EMERGENCY_EVENT_TYPES),
  scope: modeScopeSchema,
  /** The scope in words (county and street names, or "drawn area"). */
  scopeLabel: words,
  /** Null once it ended. */
  level: level.nullable(),
  profile: z.strictObject({ id: z.string(), version: z.number().int() }),
  /** The map's layer preset while it holds. */
  layers: modeProfileSchema.shape.layers,
  /** Epoch seconds (the hub stream's times), as every time below. */
  startedAt: z.number().int(),
  updatedAt: z.number().int(),
  endedAt: z.number().int().nullable(),
  startedBy: person,
  console: z.string(),
  /** Sensors whose thresholds and cadence it changes now. */
  sensors: z.number().int().nonnegative(),
});
export type Emergency = z.infer<typeof emergencySchema>;

export const modesListSchema = z.strictObject({
  active: z.array(emergencySchema),
  /** The latest ended ones, newest first. */
  ended: z.array(emergencySchema),
});
export type ModesList = z.infer<typeof modesListSchema>;

const thresholds = z.strictObject({ warn: z.number().nullable(), alarm: z.number().nullable(), cadenceS: z.number() });

export const modePreviewSchema = z.strictObject({
  key: z.string(),
  /** The active emergency of this event type on this scope, if any. */
  current: emergencySchema.nullable(),
  profile: z.strictObject({ id: z.string(), version: z.number().int(), name: words }).nullable(),
  scopeLabel: words,
  from: level.nullable(),
  to: level.nullable(),
  /** Per sensor kind the switch changes (or restores): how many, and a typical sensor's values before and after. */
  sensors: z.array(
    z.strictObject({ kind: z.enum(SENSOR_KINDS), count: z.number().int(), before: thresholds, after: thresholds }),
  ),
  layers: modeProfileSchema.shape.layers.nullable(),
  /** The activation broadcast (none for a return to normal): its text and who gets it. */
  broadcast: z
    .strictObject({ text: words, workers: z.number().int(), grids: z.number().int(), ackWithinSeconds: z.number() })
    .nullable(),
  roster: z.array(z.enum(DUTY_GROUPS)),
  tickets: z
    .strictObject({ categories: z.array(z.string()), deadlineFactor: z.number(), priority: z.string() })
    .nullable(),
  /** Null when this operator may switch; otherwise why not (in English, like other refusals). */
  refusal: z.string().nullable(),
  needsSecondOperator: z.boolean(),
});
export type ModePreview = z.infer<typeof modePreviewSchema>;

export const emergencyTimelineSchema = z.strictObject({
  emergency: emergencySchema,
  entries: z.array(
    z.strictObject({
      at: z.number().int(),
      /** activate, step, deactivate, broadcast, ticket */
      kind: z.string(),
      seq: z.number().int().nullable(),
      summary: words,
      details: z.record(z.string(), z.unknown()),
    }),
  ),
});
export type EmergencyTimeline = z.infer<typeof emergencyTimelineSchema>;

export const modeProfilesSchema = z.strictObject({
  /** The latest version of each profile. */
  profiles: z.array(modeProfileSchema),
  /** Every version kept, newest first. */
  versions: z.array(
    z.strictObject({ id: z.string(), version: z.number().int(), savedBy: z.string(), savedAt: z.number().int() }),
  ),
});

const exampleScope = { kind: 'counties' as const, codes: ['410102', '410103'] };
const exampleLevel = {
  sensors: [{ kind: 'water_level' as const, warnFactor: 0.8, alarmFactor: 0.9, cadenceSeconds: 30 }],
  tickets: { categories: ['05'], deadlineFactor: 0.8, priority: 'urgent' as const },
  roster: ['district_command' as const],
  ackWithinSeconds: 600,
};
const exampleProfile = {
  id: 'rainstorm-flood',
  version: 2,
  eventType: 'rainstorm_flood' as const,
  name: { zh: '暴雨洪涝', en: 'Rainstorm and flood' },
  description: { zh: '暴雨与城市内涝。', en: 'Rainstorms and urban flooding.' },
  layers: { show: ['sensors' as const], hide: ['heatmap' as const], sensorKinds: ['water_level' as const] },
  broadcast: { zh: '{scope}启动{event}{level}应急响应。', en: '{scope}: {event} response, {level}.' },
  levels: { IV: exampleLevel, III: exampleLevel, II: exampleLevel, I: exampleLevel },
};

export const modesInvokeContract = {
  'modes.list': invoke({
    summary: 'The active emergencies (every scope) and the latest ended ones.',
    permission: 'console.view',
    input: z.strictObject({}),
    output: modesListSchema,
    example: {},
    invalidExamples: [...notObjects, { all: true }],
  }),
  'modes.profiles': invoke({
    summary: 'The mode profiles (the latest version of each) and every version kept.',
    permission: 'console.view',
    input: z.strictObject({}),
    output: modeProfilesSchema,
    example: {},
    invalidExamples: [...notObjects, { id: 1 }],
  }),
  'modes.saveProfile': invoke({
    summary: 'Saves a new version of a mode profile (a city-wide mode.switch authority); every version is kept.',
    permission: 'mode.switch',
    input: z.strictObject({ profile: modeProfileSchema }),
    output: z.strictObject({ id: z.string(), version: z.number().int() }),
    example: { profile: exampleProfile },
    invalidExamples: [
      ...notObjects,
      {},
      { profile: { id: 'x' } },
      { profile: { ...exampleProfile, layers: { show: ['sensors'], hide: ['sensors'] } } },
    ],
  }),
  'modes.preview': invoke({
    summary:
      'What a switch would change — thresholds before → after, layers, the broadcast and its recipients — and ' +
      'whether this operator may make it.',
    permission: 'console.view',
    input: modeSwitchRequestSchema,
    output: modePreviewSchema,
    example: { action: 'activate', eventType: 'rainstorm_flood', scope: exampleScope, level: 'III' },
    invalidExamples: [
      ...notObjects,
      {},
      { action: 'activate', eventType: 'rainstorm_flood', scope: exampleScope, level: null },
      { action: 'activate', eventType: 'meteor', scope: exampleScope, level: 'III' },
      { action: 'activate', eventType: 'rainstorm_flood', scope: { kind: 'counties', codes: [] }, level: 'III' },
    ],
  }),
  'modes.switch': invoke({
    summary: 'Switches through the hub (every console, every window), then sends the activation broadcast.',
    permission: 'mode.switch',
    input: modeSwitchRequestSchema,
    output: emergencySchema,
    example: { action: 'activate', eventType: 'rainstorm_flood', scope: exampleScope, level: 'III' },
    invalidExamples: [
      ...notObjects,
      { action: 'deactivate', eventType: 'rainstorm_flood', scope: exampleScope, level: 'III' },
      { action: 'step', eventType: 'rainstorm_flood', scope: exampleScope, level: 'II' },
    ],
  }),
  'modes.timeline': invoke({
    summary: "An emergency's live timeline: switches, the activation broadcast, key tickets.",
    permission: 'console.view',
    input: z.strictObject({ emergency: emergencyId }),
    output: emergencyTimelineSchema,
    example: { emergency: 'e-00000000-0000-4000-8000-000000000000' },
    invalidExamples: [...notObjects, {}, { emergency: 'x' }],
  }),
};

export const modesEventContract = {
  'modes.changed': event({
    summary: 'An emergency was switched (on any console, through the hub) or its timeline grew.',
    payload: modesListSchema,
    example: { active: [], ended: [] },
  }),
};
