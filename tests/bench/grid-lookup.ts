/**
 * Point → grid lookup on one core: build time of the index, lookups per second over seeded random points in the
 * city's bbox, the naive scan's rate for comparison, and a check that both give the same answers.
 *
 *   npm run bench -- grid-lookup [--data-dir DIR] [--points N] [--naive-seconds S]
 *
 * DIR must hold a generated city; without it a full city (seed 1) is generated into a temporary directory first,
 * which takes a while. Progress goes to stderr; the last line of stdout is one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateCity } from '../../electron/services/city/generator/generate-city';
import { CITY_SCALES } from '../../electron/services/city/generator/scale';
import {
  buildGridIndex,
  LOCATION_STRIDE,
  loadGridGeometries,
  naiveLocate,
  sameLocation,
} from '../../electron/services/city/grid-index';
import { openStore, type Store } from '../../electron/services/store/store';
import { Random } from '../../electron/services/city/generator/random';

/** The generator's seeded PRNG, as a plain function: the same points on every run and machine. */
const seededRandom = (seed: number): (() => number) => {
  const random = new Random(seed);
  return () => random.next();
};

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    points: { type: 'string', default: '2000000' },
    'naive-seconds': { type: 'string', default: '2' },
    // Without --data-dir, the city generated for the run: full (the figure that counts) or small (CI's smoke run).
    scale: { type: 'string', default: 'full' },
  },
});
const scale =
  CITY_SCALES.find((known) => known === values.scale) ??
  ((): never => {
    throw new Error(`--scale must be one of ${CITY_SCALES.join(', ')}`);
  })();
const pointCount = Number(values.points);
const naiveSeconds = Number(values['naive-seconds']);
if (!(Number.isInteger(pointCount) && pointCount > 0 && naiveSeconds > 0)) {
  throw new Error('--points must be a positive integer and --naive-seconds positive');
}

const log = (message: string): void => {
  process.stderr.write(`[grid-lookup] ${message}\n`);
};

async function openCity(): Promise<{ store: Store; cleanup: () => void }> {
  const dataDir = values['data-dir'];
  if (dataDir !== undefined) {
    const store = openStore(dataDir);
    return { store, cleanup: () => store.close() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'gridline-bench-'));
  log(`no --data-dir: generating a ${scale} city (seed 1) in ${dir}`);
  const store = openStore(dir);
  const cleanup = (): void => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  let lastReport = 0;
  try {
    await generateCity(store, {
      scale,
      seed: 1,
      onProgress: (progress) => {
        if (Date.now() - lastReport < 2000) return;
        lastReport = Date.now();
        log(`generating: ${progress.phase} ${(progress.fraction * 100).toFixed(0)}%`);
      },
    });
  } catch (error) {
    cleanup();
    throw error;
  }
  return { store, cleanup };
}

const { store, cleanup } = await openCity();
try {
  const loadStarted = performance.now();
  const grids = loadGridGeometries(store.reader());
  if (grids.length === 0) throw new Error('the store holds no grids: generate a city first');
  log(`${grids.length} grids loaded in ${(performance.now() - loadStarted).toFixed(0)} ms`);

  const buildStarted = performance.now();
  const index = buildGridIndex(grids);
  const buildMs = performance.now() - buildStarted;
  log(`index built in ${buildMs.toFixed(0)} ms`);
  for (const s of index.stats()) {
    log(
      `  ${s.level.padEnd(9)} ${String(s.grids).padStart(6)} grids, cell ${s.cellDegrees.toFixed(5)}°, ` +
        `${s.cols}×${s.rows}, ${s.edgeCells} edge cells (${s.meanCandidates.toFixed(2)} candidates), ` +
        `${(s.bytes / 1048576).toFixed(1)} MiB`,
    );
  }
  const indexBytes = index.stats().reduce((sum, s) => sum + s.bytes, 0);

  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  for (const { bbox } of grids) {
    west = Math.min(west, bbox[0]);
    south = Math.min(south, bbox[1]);
    east = Math.max(east, bbox[2]);
    north = Math.max(north, bbox[3]);
  }
  const random = seededRandom(1);
  const lngs = new Float64Array(pointCount);
  const lats = new Float64Array(pointCount);
  for (let i = 0; i < pointCount; i++) {
    lngs[i] = west + (east - west) * random();
    lats[i] = south + (north - south) * random();
  }

  const out = new Int32Array(LOCATION_STRIDE);
  // Summed so that no pass can be optimised away.
  let checksum = 0;
  const pass = (): number => {
    const started = performance.now();
    for (let i = 0; i < pointCount; i++) {
      index.locateInto(lngs[i]!, lats[i]!, out);
      checksum = (checksum + out[2]! + out[3]!) | 0;
    }
    return (pointCount / (performance.now() - started)) * 1000;
  };
  log(`warm-up: ${pass().toFixed(0)} lookups/s`);
  const rates = [pass(), pass(), pass()];
  log(`timed passes: ${rates.map((r) => r.toFixed(0)).join(', ')} lookups/s (median reported)`);
  const lookupsPerSecond = rates.sort((a, b) => a - b)[1]!;

  let naivePoints = 0;
  let disagreements = 0;
  const naiveStarted = performance.now();
  while (
    naivePoints < pointCount &&
    (naivePoints % 64 !== 0 || performance.now() - naiveStarted < naiveSeconds * 1000)
  ) {
    const lng = lngs[naivePoints]!;
    const lat = lats[naivePoints]!;
    const naive = naiveLocate(grids, lng, lat);
    index.locateInto(lng, lat, out);
    if (!sameLocation(out, naive)) {
      disagreements++;
      if (disagreements <= 5)
        log(`disagreement at ${lng}, ${lat}: naive ${JSON.stringify(naive)}, index [${[...out].join(', ')}]`);
    }
    naivePoints++;
  }
  const naivePerSecond = (naivePoints / (performance.now() - naiveStarted)) * 1000;
  log(`naive: ${naivePerSecond.toFixed(0)} points/s over ${naivePoints} points, ${disagreements} disagreements`);
  log(`checksum ${checksum}`);

  const round = (x: number, digits: number): number => Number(x.toFixed(digits));
  console.log(
    JSON.stringify({
      bench: 'grid-lookup',
      grids: grids.length,
      points: pointCount,
      buildMs: round(buildMs, 1),
      lookupsPerSecond: Math.round(lookupsPerSecond),
      naivePerSecond: round(naivePerSecond, 1),
      ratio: round(lookupsPerSecond / naivePerSecond, 1),
      disagreements,
      naivePoints,
      indexBytes,
      node: process.version,
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
    }),
  );
  if (disagreements > 0) process.exitCode = 1;
} finally {
  cleanup();
}
