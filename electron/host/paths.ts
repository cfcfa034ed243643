/**
 * Where the console's files are, for hosts running from the repository or from dist/ (both two folders below the
 * root: electron/web-host/*.ts under tsx, dist/web-host/*.cjs when bundled). The packaged Electron app passes its own.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface AppPaths {
  root: string;
  resourcesDir: string;
  rendererDir: string;
  version: string;
}

export function appPathsFrom(dirOfThisFile: string): AppPaths {
  const root = resolve(dirOfThisFile, '..', '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return {
    root,
    resourcesDir: join(root, 'resources'),
    rendererDir: join(root, 'dist', 'renderer'),
    version: pkg.version,
  };
}
