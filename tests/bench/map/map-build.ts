/**
 * What the map bench needs built: the app (dist/renderer, dist/web-host — rebuilt by `npm start --build-only` when a
 * source is newer than dist/.build-stamp), and its own two browser scripts, bundled by esbuild into a
 * temporary folder: the bare deck.gl page and the probe injected into both pages. Both are minified, as the app's
 * bundle is, and built for production (no React or deck.gl debug paths).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..', '..', '..');

/** Builds the app if dist is missing or older than any source, by `npm start`'s own rule (scripts/start.mjs). */
export function ensureAppBuild(): void {
  const result = spawnSync(process.execPath, ['scripts/start.mjs', '--build-only'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the build failed:\n${result.stdout}${result.stderr}`);
}

export interface BenchScripts {
  /** The IIFE injected into both pages (page-probe.ts). */
  probe: string;
  /** The folder the bare page is served from: index.html and bare.js. */
  bareDir: string;
}

/** `readable`: not minified (for CPU profiles with function names). */
export async function bundleBenchScripts(outDir: string, readable = false): Promise<BenchScripts> {
  const common = {
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: !readable,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  } as const;
  const probe = await build({
    ...common,
    entryPoints: [join(import.meta.dirname, 'page-probe.ts')],
    write: false,
  });
  await build({
    ...common,
    entryPoints: [join(import.meta.dirname, 'bare-page.ts')],
    outfile: join(outDir, 'bare.js'),
  });
  writeFileSync(
    join(outDir, 'index.html'),
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">' +
      '<title>Gridline bare deck.gl page</title></head>\n' +
      '<body style="margin:0;background:#0b1220;overflow:hidden"><div id="map"></div>' +
      '<script src="bare.js"></script></body></html>\n',
  );
  return { probe: probe.outputFiles[0]!.text, bareDir: outDir };
}
