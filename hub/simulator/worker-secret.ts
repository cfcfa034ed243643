/**
 * SIMULATOR — the worker secret the simulator signs tokens with, as the city's provisioning would: from
 * GRIDLINE_HUB_WORKER_SECRET, else from the `hub-secrets.json` that `npm run hub` writes into its data directory.
 */
import { existsSync, readFileSync } from 'node:fs';

export function resolveWorkerSecret(source: { env?: string; secretsFile?: string }): string {
  if (source.env) return source.env;
  if (source.secretsFile) {
    if (!existsSync(source.secretsFile)) throw new Error(`--secrets: ${source.secretsFile} does not exist`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(source.secretsFile, 'utf8'));
    } catch (error) {
      throw new Error(`--secrets: ${source.secretsFile} is not JSON (${String(error)})`, { cause: error });
    }
    const worker = (parsed as { worker?: unknown } | null)?.worker;
    if (typeof worker !== 'string' || worker.length === 0) {
      throw new Error(
        `--secrets: ${source.secretsFile} has no "worker" secret (expected {"worker": "…", "console": "…"})`,
      );
    }
    return worker;
  }
  throw new Error(
    "no worker secret: set GRIDLINE_HUB_WORKER_SECRET to the hub's worker secret, or pass --secrets FILE " +
      '(the hub-secrets.json that `npm run hub` writes into its data directory)',
  );
}
