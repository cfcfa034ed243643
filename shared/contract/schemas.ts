/** Runtime schemas of the values that cross the contract. Types are inferred from them, never written twice. */
import { z } from 'zod';
import { LANGUAGES } from '../domain/language';

export const emptyInput = z.strictObject({});

export const languageSchema = z.enum(LANGUAGES);

export const settingsSchema = z.strictObject({
  language: languageSchema,
});
export type Settings = z.infer<typeof settingsSchema>;

/** A partial update: at least one known field, nothing else. */
export const settingsPatchSchema = settingsSchema
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'nothing to update' });

export const hostKindSchema = z.enum(['electron', 'web']);
export type HostKind = z.infer<typeof hostKindSchema>;

export const appInfoSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  host: hostKindSchema,
  /** ISO 8601 time the host started. */
  startedAt: z.iso.datetime(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

const positionSchema = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const bboxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const cityOutlineSchema = z.strictObject({
  name: z.string(),
  nameEn: z.string(),
  crs: z.literal('WGS-84'),
  /** Where the geometry comes from, with its licence. */
  source: z.string(),
  /** The datum the source used before conversion. */
  convertedFrom: z.string(),
  /** Area of the geometry on the WGS-84 ellipsoid. */
  areaKm2: z.number().positive(),
  /** The city's official area, for the data note. */
  officialAreaKm2: z.number().positive(),
  bbox: bboxSchema,
  /** GeoJSON MultiPolygon coordinates: polygons → rings → [lng, lat]. */
  polygons: z.array(z.array(z.array(positionSchema).min(4)).min(1)).min(1),
});
export type CityOutline = z.infer<typeof cityOutlineSchema>;
