/**
 * Serves the audit trail's exports (`audit.export` writes them to `<dataDir>/exports/`) to the inspector's browser as
 * downloads, at `/exports/<name>`. Only a name of the exact form the export writes is looked up — a time and 16 random
 * hex digits, so a name is known only to whoever made the export — and it is joined to the exports folder, never
 * resolved: nothing else on the machine can be reached. Anything else is 404.
 */
import { createReadStream, statSync, type Stats } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { exportFile } from '../host/audit-handlers';

export const EXPORTS_PATH = '/exports/';

const TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/jsonl; charset=utf-8',
};

/** Answers a request for `urlPath` (which starts with EXPORTS_PATH); returns the name served, or null for a 404. */
export function serveExport(exportsDir: string, urlPath: string, response: ServerResponse): string | null {
  const name = urlPath.slice(EXPORTS_PATH.length);
  const file = exportFile(exportsDir, name);
  let stats: Stats | undefined;
  try {
    stats = file ? statSync(file) : undefined;
  } catch {
    stats = undefined;
  }
  if (!file || !stats?.isFile()) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    return null;
  }
  response.writeHead(200, {
    'content-type': TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream',
    'content-length': stats.size,
    'content-disposition': `attachment; filename="${name}"`,
    'cache-control': 'no-store',
  });
  createReadStream(file)
    .on('error', () => response.destroy())
    .pipe(response);
  return name;
}
