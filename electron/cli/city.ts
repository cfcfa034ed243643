/**
 * `npm run city -- <command>`: the city store from the command line, for deployments, kiosks and tests.
 *
 *   generate --scale full|medium|small [--seed N] --data-dir DIR   generate the default city (progress on stderr)
 *   stats [--json] --data-dir DIR                           counts and closed-loop figures (JSON: last line)
 *   import FILE --kind grids|workers|cameras|sensors|tickets --crs WGS-84|CGCS2000|GCJ-02 --data-dir DIR
 *
 * --data-dir falls back to GRIDLINE_DATA_DIR, then to the console's own data directory.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../host/config';
import { deepestGrid } from '../services/city/city-import-service';
import { CityService } from '../services/city/city-service';
import { cityStats } from '../services/city/city-stats';
import { buildGridIndex, loadGridGeometries } from '../services/city/grid-index';
import { IMPORT_CRSES, IMPORT_KINDS, ImportError, importCityFile } from '../services/city/import';
import { generateCity, type GenerationProgress } from '../services/city/generator/generate-city';
import { CITY_SCALES } from '../services/city/generator/scale';
import { openStore } from '../services/store/store';

const USAGE = `usage: npm run city -- generate --scale full|medium|small [--seed N] [--data-dir DIR]
       npm run city -- stats [--json] [--data-dir DIR]
       npm run city -- import FILE --kind grids|workers|cameras|sensors|tickets --crs WGS-84|CGCS2000|GCJ-02 [--data-dir DIR]`;

class UsageError extends Error {}

function progressLine(progress: GenerationProgress): string {
  const width = 30;
  const filled = Math.round(progress.fraction * width);
  const eta = progress.etaSeconds === null ? '' : ` ETA ${Math.ceil(progress.etaSeconds)} s`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(progress.fraction * 100).toFixed(1).padStart(5)}% ${progress.phase.padEnd(9)}${eta}`;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      scale: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
      kind: { type: 'string' },
      crs: { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  const dataDir = resolve(values['data-dir'] ?? process.env.GRIDLINE_DATA_DIR ?? defaultDataDir());
  const store = openStore(dataDir);
  try {
    switch (command) {
      case 'generate': {
        const scale = CITY_SCALES.find((known) => known === (values.scale ?? 'small'));
        if (!scale) throw new UsageError(`--scale must be one of ${CITY_SCALES.join(', ')}`);
        const seed = values.seed === undefined ? undefined : Number(values.seed);
        if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed must be an integer`);
        const interactive = process.stderr.isTTY;
        let lastLine = 0;
        const summary = await generateCity(store, {
          scale,
          seed,
          onProgress: (progress) => {
            const now = Date.now();
            if (now - lastLine < (interactive ? 100 : 2000) && progress.fraction < 1) return;
            lastLine = now;
            process.stderr.write(interactive ? `\r${progressLine(progress)}` : `${progressLine(progress)}\n`);
          },
        });
        if (interactive) process.stderr.write('\n');
        console.log(JSON.stringify(summary));
        return;
      }
      case 'stats': {
        const stats = cityStats(store);
        if (values.json) console.log(JSON.stringify(stats));
        else for (const [key, value] of Object.entries(stats)) console.log(`${key.padEnd(18)} ${value}`);
        return;
      }
      case 'import': {
        const file = rest[0];
        if (!file) throw new UsageError('import needs a FILE');
        const kind = IMPORT_KINDS.find((known) => known === values.kind);
        if (!kind) throw new UsageError(`--kind must be one of ${IMPORT_KINDS.join(', ')}`);
        const crs = IMPORT_CRSES.find((known) => known === (values.crs ?? 'WGS-84'));
        if (!crs) throw new UsageError(`--crs must be one of ${IMPORT_CRSES.join(', ')}`);
        const index = kind === 'grids' ? undefined : buildGridIndex(loadGridGeometries(store.reader()));
        let lastLine = 0;
        const summary = await importCityFile(store, resolve(file), {
          kind,
          crs,
          cityOutline: new CityService(resolve('resources')).getOutline(),
          locate: index ? deepestGrid(index) : undefined,
          onProgress: (progress) => {
            if (Date.now() - lastLine < 1000) return;
            lastLine = Date.now();
            const total = progress.total ? ` / ${progress.total}` : '';
            process.stderr.write(`${progress.phase} ${progress.done}${total}\n`);
          },
        });
        console.log(JSON.stringify(summary));
        return;
      }
      default:
        throw new UsageError(command ? `unknown command: ${command}` : 'no command given');
    }
  } finally {
    store.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  // An ImportError's message already names the file, the row or feature and the reason.
  console.error(`gridline city: ${error instanceof ImportError ? 'import refused, store unchanged: ' : ''}${message}`);
  if (error instanceof UsageError) console.error(USAGE);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
