/** The grid hierarchy of a grids file: parents resolved by code (in any order), levels and containment checked. */
import { formatPosition } from './datum';
import { featureLocation, type GridFeature } from './grid-features';
import type { FeatureLevel } from './grid-properties';
import { ImportError } from './import-error';
import { PolygonIndex } from './polygon-index';

/**
 * How far outside its parent a child's vertex may lie. Children share boundaries with their parent, and a vertex
 * exactly on the parent's edge falls either way in a point-in-polygon test, so a shared boundary needs some slack.
 * We accept a vertex within 0.1 m (≈ 1e-6°) of the parent's boundary: above floating-point noise and the sub-
 * millimetre bend that GCJ-02 conversion puts into densely digitised shared edges, below any survey precision, so a
 * child that really spills out of its parent is still caught.
 */
export const SHARED_BOUNDARY_TOLERANCE_M = 0.1;

/** The level each level's parent must have; counties have none. */
const PARENT_LEVEL: Record<Exclude<FeatureLevel, 'county'>, FeatureLevel> = {
  L1: 'county',
  L2: 'L1',
  L3: 'L2',
  micro: 'L3',
  exclusive: 'L1',
};

const LEVEL_NAME: Record<FeatureLevel, string> = {
  county: 'a county',
  L1: 'an L1 grid',
  L2: 'an L2 grid',
  L3: 'an L3 grid',
  micro: 'a micro grid',
  exclusive: 'an exclusive grid',
};

/** Insert order: every parent before its children (exclusive grids overlay L1). */
export const LEVEL_ORDER: readonly FeatureLevel[] = ['county', 'L1', 'L2', 'L3', 'micro', 'exclusive'];

export interface GridHierarchy {
  /** Parent of every non-county feature, by code. */
  parentOf: Map<string, GridFeature>;
  /** The county each feature belongs to (a county is its own), by code. */
  countyOf: Map<string, GridFeature>;
}

export function resolveHierarchy(
  features: readonly GridFeature[],
  file: string,
  onFeature?: (done: number) => void,
): GridHierarchy {
  const byCode = new Map(features.map((feature) => [feature.code, feature]));
  const indexes = new Map<string, PolygonIndex>();
  const indexOf = (feature: GridFeature): PolygonIndex => {
    let index = indexes.get(feature.code);
    if (!index) {
      index = new PolygonIndex(feature.flat);
      indexes.set(feature.code, index);
    }
    return index;
  };

  const parentOf = new Map<string, GridFeature>();
  features.forEach((feature, offset) => {
    if (feature.level === 'county' || feature.parentCode === null) return;
    const refuse = (reason: string): never => {
      throw new ImportError(file, featureLocation(feature.index, feature.code), reason);
    };
    const parent = byCode.get(feature.parentCode);
    if (!parent) return refuse(`unknown parent code ${feature.parentCode}`);
    const expected = PARENT_LEVEL[feature.level];
    if (parent.level !== expected) {
      refuse(
        `parent ${parent.code} is ${LEVEL_NAME[parent.level]}, but the parent of ${LEVEL_NAME[feature.level]} ` +
          `must be ${LEVEL_NAME[expected]}`,
      );
    }
    if (feature.level === 'micro' && parent.type !== 'urban') {
      refuse(`parent ${parent.code} is a rural L3 grid; micro grids subdivide urban L3 grids only`);
    }
    const parentIndex = indexOf(parent);
    const { coords } = feature.flat;
    for (let i = 0; i < coords.length; i += 2) {
      const lng = coords[i]!;
      const lat = coords[i + 1]!;
      if (!parentIndex.covers(lng, lat, SHARED_BOUNDARY_TOLERANCE_M)) {
        refuse(`child lies outside its parent ${parent.code} (vertex ${formatPosition(lng, lat)} is outside it)`);
      }
    }
    parentOf.set(feature.code, parent);
    onFeature?.(offset + 1);
  });

  const countyOf = new Map<string, GridFeature>();
  for (const feature of features) {
    let ancestor = feature;
    // Levels strictly rise towards the county (checked above), so this walk ends within five steps.
    while (ancestor.level !== 'county') ancestor = parentOf.get(ancestor.code)!;
    countyOf.set(feature.code, ancestor);
  }
  return { parentOf, countyOf };
}
