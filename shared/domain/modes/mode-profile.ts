/**
 * Mode profiles: what switching an area to an emergency level changes, as versioned data (resources/modes/, edited in
 * the console by authorised users; every version kept). One profile per event type; per level it says
 *
 * - the map's layer preset: layers shown and hidden on every window, and which sensor kinds the sensor layer shows;
 * - sensors: for each kind, the factor on the normal warning and alarm thresholds (a flood gauge warns at 80% of its
 *   normal level at III, say) and the reporting cadence;
 * - tickets: the categories it concerns (by taxonomy code prefix), the factor on their deadlines and their priority;
 * - the activation broadcast to the workers in scope (a template with {level}, {event}, {scope}), acknowledged;
 * - the duty roster called up (which duty groups are summoned).
 *
 * A switch carries the whole profile version it applies, so every console applies exactly the same changes whatever
 * version its own resources hold.
 */
import { z } from 'zod';
import { LAYER_KEYS } from '../map-layers';
import { SENSOR_KINDS } from '../point-classes';
import { EMERGENCY_LEVELS } from './emergency-levels';
import { EMERGENCY_EVENT_TYPES } from './event-types';

const words = z.strictObject({ zh: z.string().min(1).max(500), en: z.string().min(1).max(500) });
const template = z.strictObject({ zh: z.string().min(1).max(1000), en: z.string().min(1).max(1000) });

/** Duty groups a mode calls up (the roster itself comes with the duty-roster data). */
export const DUTY_GROUPS = [
  'city_command',
  'district_command',
  'street_duty',
  'rescue_teams',
  'medical',
  'utilities',
  'traffic_police',
  'volunteers',
] as const;
export type DutyGroup = (typeof DUTY_GROUPS)[number];

export const DUTY_GROUP_NAMES: Readonly<Record<DutyGroup, { zh: string; en: string }>> = {
  city_command: { zh: '市级指挥部', en: 'city command' },
  district_command: { zh: '区县指挥部', en: 'district command' },
  street_duty: { zh: '街道值班', en: 'street duty officers' },
  rescue_teams: { zh: '抢险救援队伍', en: 'rescue teams' },
  medical: { zh: '医疗救护', en: 'medical teams' },
  utilities: { zh: '水电气热保障', en: 'utilities' },
  traffic_police: { zh: '交警', en: 'traffic police' },
  volunteers: { zh: '志愿者', en: 'volunteers' },
};

export const sensorEffectSchema = z.strictObject({
  kind: z.enum(SENSOR_KINDS),
  /** New threshold = normal threshold × factor; below 1 warns earlier. */
  warnFactor: z.number().min(0.1).max(2),
  alarmFactor: z.number().min(0.1).max(2),
  /** Seconds between readings while the mode holds (normal: the sensor's own). */
  cadenceSeconds: z.number().int().min(5).max(86_400),
});
export type SensorEffect = z.infer<typeof sensorEffectSchema>;

export const levelEffectSchema = z.strictObject({
  sensors: z.array(sensorEffectSchema).max(SENSOR_KINDS.length),
  tickets: z.strictObject({
    /** Taxonomy codes (any level: a prefix of the leaf codes) of the categories concerned. */
    categories: z.array(z.string().regex(/^\d{2}(\d{2}){0,2}$/)).max(100),
    /**
     * The deadline of a ticket filed in scope while the mode holds: the category's hours × factor, then shortened by
     * its priority as every ticket's is (deadlines.ts: urgent ½, emergency ¼).
     */
    deadlineFactor: z.number().min(0.05).max(1),
    priority: z.enum(['urgent', 'emergency']),
  }),
  roster: z.array(z.enum(DUTY_GROUPS)).max(DUTY_GROUPS.length),
  /** Seconds the workers have to acknowledge the activation broadcast. */
  ackWithinSeconds: z.number().int().min(30).max(86_400),
});
export type LevelEffect = z.infer<typeof levelEffectSchema>;

export const modeProfileSchema = z
  .strictObject({
    /** Stable id, e.g. `rainstorm-flood`. */
    id: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
    version: z.number().int().min(1),
    eventType: z.enum(EMERGENCY_EVENT_TYPES),
    name: words,
    description: words,
    layers: z.strictObject({
      show: z.array(z.enum(LAYER_KEYS)).max(LAYER_KEYS.length),
      hide: z.array(z.enum(LAYER_KEYS)).max(LAYER_KEYS.length),
      /** The sensor kinds the sensor layer shows (all when absent). */
      sensorKinds: z.array(z.enum(SENSOR_KINDS)).min(1).optional(),
    }),
    broadcast: template,
    levels: z.strictObject(
      Object.fromEntries(EMERGENCY_LEVELS.map((level) => [level, levelEffectSchema])) as Record<
        (typeof EMERGENCY_LEVELS)[number],
        typeof levelEffectSchema
      >,
    ),
  })
  .superRefine((profile, context) => {
    const both = profile.layers.show.filter((layer) => profile.layers.hide.includes(layer));
    if (both.length > 0) {
      context.addIssue({ code: 'custom', path: ['layers'], message: `shown and hidden at once: ${both.join(', ')}` });
    }
    for (const level of EMERGENCY_LEVELS) {
      const kinds = profile.levels[level].sensors.map((effect) => effect.kind);
      if (new Set(kinds).size !== kinds.length) {
        context.addIssue({ code: 'custom', path: ['levels', level, 'sensors'], message: 'a sensor kind twice' });
      }
      for (const effect of profile.levels[level].sensors) {
        if (effect.alarmFactor < effect.warnFactor * 0.5) {
          context.addIssue({
            code: 'custom',
            path: ['levels', level, 'sensors'],
            message: `${effect.kind}: the alarm would come far below the warning`,
          });
        }
      }
    }
  });
export type ModeProfile = z.infer<typeof modeProfileSchema>;

/** Fills a broadcast template: {level}, {event} and {scope}, in the template's language. */
export function fillTemplate(text: string, values: { level: string; event: string; scope: string }): string {
  return text.replace(/\{(level|event|scope)\}/g, (_, key: 'level' | 'event' | 'scope') => values[key]);
}
