/**
 * Emergency mode switches on the hub tier's ordered stream (issue #8). A switch is an event of the same stream as the
 * tickets (kind `mode`), so every console applies modes and tickets in one order: a report filed after an activation
 * gets the emergency's shorter deadline on every console alike.
 *
 * - `mode:switch` (console → hub, with ack): activate an emergency for an event type and a scope, step its level, or
 *   return the scope to normal. Kept under the key `<eventType>@<scopeKey>` (mode-scope.ts), each with a version:
 *   the hub logs the switch only when the console's `expect` is still the key's version, so two consoles switching
 *   the same scope at once resolve deterministically — the first logged wins, the other is told who switched and to
 *   what. An activation needs the key to be normal; a step or a return names the active emergency.
 * - The submitting console decides and authorises (role, scope, the two-person rule for levels I and II); the hub
 *   checks the shape, the size and the version.
 */
import { z } from 'zod';
import { EMERGENCY_LEVELS, type EmergencyLevel } from '../domain/modes/emergency-levels';
import { EMERGENCY_EVENT_TYPES } from '../domain/modes/event-types';
import { modeProfileSchema } from '../domain/modes/mode-profile';
import { modeScopeSchema } from '../domain/modes/mode-scope';

export const MODE_ACTIONS = ['activate', 'step', 'deactivate'] as const;
export type ModeAction = (typeof MODE_ACTIONS)[number];

/**
 * The largest switch a console may submit, as JSON (a profile, a drawn polygon of at most 1,000 points, the note):
 * under the hub's 64 KiB frame limit, so an oversized one is answered `too-large`, not cut off with the connection.
 */
export const MAX_MODE_SWITCH_BYTES = 60 * 1024;

export const EMERGENCY_ID_PATTERN = /^e-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const person = z.strictObject({
  username: z.string().min(1).max(64),
  displayName: z.string().min(1).max(128),
});

export const modeSwitchWireSchema = z
  .strictObject({
    /** The emergency: `e-<uuid>`, made by the console that activates it; steps and the return name it. */
    emergency: z.string().regex(EMERGENCY_ID_PATTERN),
    action: z.enum(MODE_ACTIONS),
    /** `<eventType>@<scopeKey>`: what the version is kept under. */
    key: z.string().min(3).max(200),
    eventType: z.enum(EMERGENCY_EVENT_TYPES),
    scope: modeScopeSchema,
    /** The level after the switch; null: back to normal. */
    level: z.enum(EMERGENCY_LEVELS).nullable(),
    /** The profile version applied (activate and step); a return restores what the activation recorded. */
    profile: modeProfileSchema.optional(),
    /** Who switched, and who confirmed it (the two-person rule). */
    by: person,
    confirmedBy: person.optional(),
    /** Why, in the operator's words. */
    note: z.string().max(1000).optional(),
    /** Which console submitted it. */
    console: z.string().min(1).max(128),
  })
  .refine((wire) => (wire.action === 'deactivate') === (wire.level === null), {
    message: 'a return to normal has no level; an activation or a step has one',
  })
  .refine((wire) => wire.action === 'deactivate' || wire.profile !== undefined, {
    message: 'an activation or a step carries the profile it applies',
  })
  .refine((wire) => wire.profile === undefined || wire.profile.eventType === wire.eventType, {
    message: 'the profile is for another event type',
  });
export type ModeSwitchWire = z.infer<typeof modeSwitchWireSchema>;

export const modeSwitchSubmitSchema = z.strictObject({
  /** The key's version the console saw (0: never switched). */
  expect: z.number().int().nonnegative(),
  switch: modeSwitchWireSchema,
});
export type ModeSwitchSubmit = z.infer<typeof modeSwitchSubmitSchema>;

/** A key's state at the hub: its version and, when active, which emergency at which level, switched by whom. */
export interface ModeKeyState {
  version: number;
  emergency: string | null;
  level: EmergencyLevel | null;
  by: { username: string; displayName: string } | null;
  console: string | null;
  /** Epoch seconds of the last switch; 0 for a key never switched. */
  at: number;
}

export const MODE_REFUSALS = ['conflict', 'already-active', 'not-active', 'other-emergency'] as const;
export type ModeRefusal = (typeof MODE_REFUSALS)[number];

export type ModeSwitchAck =
  | { ok: true; seq: number; at: number; version: number }
  /** Refused: the key moved on (conflict), is active already, is not active, or runs another emergency. */
  | { ok: false; error: ModeRefusal; current: ModeKeyState }
  /** Malformed, too large, or the log is unavailable. */
  | { ok: false; error: string };
