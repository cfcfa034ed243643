/**
 * One temporary folder per test run (the global setup of Vitest and of Playwright): TMPDIR points into it before the
 * test processes start, so every `mkdtemp(join(tmpdir(), …))` of a test — stores with a generated city (tens of
 * megabytes each), hub logs, imports — lands there, and the folder is removed when the run ends. Without it a
 * developer's /tmp gained gigabytes a week from what tests left behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env['TMPDIR'];
  const root = mkdtempSync(join(tmpdir(), 'gridline-test-run-'));
  process.env['TMPDIR'] = root;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
