/** A small generated city in a console data directory, for the simulators' tests (about 2 s; generate once a file). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { generateCity } from '../../../../electron/services/city/generator/generate-city';
import { openStore } from '../../../../electron/services/store/store';
import { decodePolygonBlob, flatContains } from '../../../../shared/geo/polygon-blob';

export async function smallCity(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gridline-sim-reports-city-'));
  const city = openStore(dir);
  try {
    await generateCity(city, { scale: 'small', seed: 7 });
  } finally {
    city.close();
  }
  return dir;
}

/** Is the point inside grid `id` of the city in `dir`? */
export function insideGrid(dir: string): (id: number, lng: number, lat: number) => boolean {
  const db = new Database(join(dir, 'gridline.sqlite'), { readonly: true });
  const shapes = new Map(
    (db.prepare('SELECT id, geometry FROM grids').all() as { id: number; geometry: Uint8Array }[]).map((row) => [
      row.id,
      decodePolygonBlob(row.geometry),
    ]),
  );
  db.close();
  return (id, lng, lat) => {
    const shape = shapes.get(id);
    return shape !== undefined && flatContains(shape, lng, lat);
  };
}
