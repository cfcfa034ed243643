/**
 * What the intake needs from resources/: the city outline (resources/city/zhengzhou-outline.geojson) for the
 * inside-the-city test, and the taxonomy (resources/taxonomy/categories.json) for Open311's services and the
 * category codes a report may carry. Read once per directory and kept.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  categoriesFileSchema,
  flattenCategories,
  TAXONOMY_MAX_LEVEL,
  type CategoryRow,
} from '../../shared/domain/taxonomy';
import { makeInsideCity, type InsideCity } from '../../shared/geo/point-in-city';
import type { PolygonRings } from '../../shared/geo/types';

/** The repository's resources/, where the hub finds them unless told (`--resources DIR`). */
export const DEFAULT_RESOURCES_DIR = fileURLToPath(new URL('../../resources/', import.meta.url));

export interface IntakeResources {
  insideCity: InsideCity;
  /** The taxonomy's rows (`flattenCategories`). */
  categories: CategoryRow[];
  /** The level-3 codes: what `categoryCode` may be. */
  categoryCodes: ReadonlySet<string>;
}

type OutlineGeometry =
  { type: 'Polygon'; coordinates: PolygonRings } | { type: 'MultiPolygon'; coordinates: PolygonRings[] };

const loaded = new Map<string, IntakeResources>();

export function loadIntakeResources(dir: string = DEFAULT_RESOURCES_DIR): IntakeResources {
  const known = loaded.get(dir);
  if (known) return known;
  const outlineFile = join(dir, 'city', 'zhengzhou-outline.geojson');
  const outline = JSON.parse(readFileSync(outlineFile, 'utf8')) as { features?: { geometry?: OutlineGeometry }[] };
  const polygons: PolygonRings[] = [];
  for (const feature of outline.features ?? []) {
    const geometry = feature.geometry;
    if (geometry?.type === 'Polygon') polygons.push(geometry.coordinates);
    else if (geometry?.type === 'MultiPolygon') polygons.push(...geometry.coordinates);
  }
  if (polygons.length === 0) throw new Error(`${outlineFile} has no Polygon or MultiPolygon`);
  const categoriesFile = join(dir, 'taxonomy', 'categories.json');
  const categories = flattenCategories(
    categoriesFileSchema.parse(JSON.parse(readFileSync(categoriesFile, 'utf8'))).categories,
  );
  const resources: IntakeResources = {
    insideCity: makeInsideCity(polygons),
    categories,
    categoryCodes: new Set(categories.filter((row) => row.level === TAXONOMY_MAX_LEVEL).map((row) => row.code)),
  };
  loaded.set(dir, resources);
  return resources;
}
