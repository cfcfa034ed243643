import { createWriteStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { importCityFile, type ImportProgress } from '../../../../../../electron/services/city/import';
import type { Store } from '../../../../../../electron/services/store/store';
import {
  cityOutline,
  expectRefused,
  freshStore,
  rowCounts,
  seedLookups,
  storeLocator,
  validGrids,
  writeFile,
} from './fixtures';

const ROWS = 200_000;
/** The data row (0-based) made bad in the second file: row 199,990 of the file, counting the header as row 1. */
const BAD_INDEX = ROWS - 12;

/** A deterministic generator (mulberry32): the same file every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes ROWS tickets inside the small city's county, streaming, with an optional bad row. */
async function writeTickets(file: string, badIndex: number | null): Promise<void> {
  const next = random(7);
  const out = createWriteStream(file);
  out.write('channel_code,category_code,lon,lat,status,reported_at,dispatched_at,closed_at,satisfaction,grid_code\n');
  const start = Date.parse('2024-01-01T00:00:00Z');
  let chunk: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const lon = i === badIndex ? 'abc' : (113.5502 + next() * 0.0996).toFixed(6);
    const lat = (34.7002 + next() * 0.0996).toFixed(6);
    const reported = start + Math.floor(next() * 300 * 86_400_000);
    const closed = next() < 0.8;
    const channel = next() < 0.6 ? 'hotline_12345' : 'grid_patrol';
    chunk.push(
      `${channel},road.pothole,${lon},${lat},${closed ? 'evaluated' : 1},${new Date(reported).toISOString()},` +
        `${new Date(reported + 60_000).toISOString()},${closed ? new Date(reported + 86_400_000).toISOString() : ''},` +
        `${closed ? 1 + Math.floor(next() * 5) : ''},`,
    );
    if (chunk.length === 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  out.end(chunk.length > 0 ? `${chunk.join('\n')}\n` : '');
  await once(out, 'finish');
}

/** A fresh store holding the small city and the ticket lookups, with a locator over its grids. */
async function setup() {
  const { store, dir } = freshStore();
  await importCityFile(store, writeFile(dir, 'grids.geojson', validGrids()), {
    kind: 'grids',
    crs: 'WGS-84',
    cityOutline,
  });
  seedLookups(store);
  return { store, dir, locate: storeLocator(store) };
}

describe('tickets import: a 200,000-row file streams in one transaction', () => {
  const stores: Store[] = [];
  afterEach(() => {
    while (stores.length > 0) stores.pop()!.close();
  });

  it('imports every row, reporting progress by bytes read', async () => {
    const { store, dir, locate } = await setup();
    stores.push(store);
    const file = join(dir, 'tickets.csv');
    await writeTickets(file, null);
    const progress: ImportProgress[] = [];
    const summary = await importCityFile(store, file, {
      kind: 'tickets',
      crs: 'WGS-84',
      cityOutline,
      locate,
      onProgress: (p) => progress.push(p),
    });
    expect(summary).toMatchObject({ kind: 'tickets', rows: ROWS, inserted: ROWS });
    expect(rowCounts(store).tickets).toBe(ROWS);

    const size = statSync(file).size;
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.every((p) => p.phase === 'reading' && p.total === size)).toBe(true);
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
    expect(progress.at(-1)!.done).toBe(size);

    const orphans = store.writer
      .prepare('SELECT count(*) FROM tickets t JOIN grids g ON g.id = t.l1_id WHERE g.level <> ?')
      .pluck()
      .get('L1');
    expect(orphans).toBe(0);
  }, 120_000);

  it('refuses a bad row near the end and leaves zero tickets inserted', async () => {
    const { store, dir, locate } = await setup();
    stores.push(store);
    const before = rowCounts(store);
    expect(before.tickets).toBe(0);
    const file = join(dir, 'tickets-bad.csv');
    await writeTickets(file, BAD_INDEX);
    const progress: ImportProgress[] = [];
    // The console keeps writing while the file is read (here: one row per chunk, as a broadcast or an escalation
    // would): the refusal must take none of those writes with it.
    store.writer.exec('CREATE TABLE meanwhile (chunk INTEGER NOT NULL)');
    const meanwhile = store.writer.prepare('INSERT INTO meanwhile (chunk) VALUES (?)');
    await expectRefused(
      importCityFile(store, file, {
        kind: 'tickets',
        crs: 'WGS-84',
        cityOutline,
        locate,
        onProgress: (p) => {
          progress.push(p);
          meanwhile.run(progress.length);
        },
      }),
      { file, location: `row ${BAD_INDEX + 2}`, reason: /^column lon must be a number, got "abc"$/ },
    );
    // It had read (and staged) nearly the whole file before the refusal.
    expect(progress.at(-1)!.done).toBeGreaterThan(statSync(file).size * 0.9);
    expect(store.writer.prepare('SELECT COUNT(*) FROM meanwhile').pluck().get()).toBe(progress.length);
    expect(progress.length).toBeGreaterThan(1);
    // And it left no staging file behind.
    expect(readdirSync(dir).filter((name) => name.includes('.import-'))).toEqual([]);
    expect(rowCounts(store)).toEqual(before);
    expect(rowCounts(store).tickets).toBe(0);
    expect(store.writer.inTransaction).toBe(false);
  }, 120_000);
});
