/**
 * Where an emergency mode applies: the whole city, county-level units, L1 street grids, or a polygon drawn on the
 * map. Places are named by code (stable across consoles and imports), a polygon by its ring (WGS-84). Every scope has
 * a canonical key — the same place, however it was picked, is the same key — which is what two consoles switching
 * "the same scope" have in common, and what the hub's version check is kept under.
 */
import { z } from 'zod';
import type { EmergencyEventType } from './event-types';

const code = z.string().regex(/^[0-9A-Za-z_-]{1,40}$/);
const lngLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

export const modeScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('city') }),
  z.strictObject({ kind: z.literal('counties'), codes: z.array(code).min(1).max(64) }),
  z.strictObject({ kind: z.literal('l1'), codes: z.array(code).min(1).max(300) }),
  // A drawn area: 1,000 points at most, so that a switch fits the hub's frame (mode-protocol.ts).
  z.strictObject({ kind: z.literal('polygon'), ring: z.array(lngLat).min(3).max(1000) }),
]);
export type ModeScope = z.infer<typeof modeScopeSchema>;

/** 32-bit FNV-1a, as 8 hex digits: a polygon's key needs to be short and the same everywhere, not secret. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** The scope with its codes sorted and deduplicated, its ring's points rounded to about a metre. */
export function normaliseScope(scope: ModeScope): ModeScope {
  switch (scope.kind) {
    case 'city':
      return scope;
    case 'counties':
    case 'l1':
      return { kind: scope.kind, codes: [...new Set(scope.codes)].sort() };
    case 'polygon':
      return {
        kind: 'polygon',
        ring: scope.ring.map(([lng, lat]) => [Math.round(lng * 1e5) / 1e5, Math.round(lat * 1e5) / 1e5]),
      };
  }
}

/** The canonical key: `city`, `counties:410102,410103`, `l1:…`, `polygon:<hash of the rounded ring>`. */
export function scopeKey(scope: ModeScope): string {
  const normal = normaliseScope(scope);
  switch (normal.kind) {
    case 'city':
      return 'city';
    case 'counties':
    case 'l1':
      return `${normal.kind}:${normal.codes.join(',')}`;
    case 'polygon':
      return `polygon:${fnv1a(normal.ring.map(([lng, lat]) => `${lng},${lat}`).join(';'))}`;
  }
}

/** What a mode's version is kept under: `<event type>@<scope key>` (two emergencies of one type never share a scope). */
export const modeKey = (eventType: EmergencyEventType, scope: ModeScope): string => `${eventType}@${scopeKey(scope)}`;
