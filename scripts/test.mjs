// `npm test`: every check CI runs, in order, stopping at the first failure: typecheck, lint (zero warnings, layering
// rules as errors), format check, unit tests, build, end-to-end tests in Chromium. Ends with one summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { ensureNodeBuild } from './native-modules.mjs';

const steps = [
  ['typecheck', ['run', '--silent', 'typecheck']],
  ['lint', ['run', '--silent', 'lint']],
  ['format', ['run', '--silent', 'format:check']],
  ['unit tests', ['run', '--silent', 'test:unit']],
  [
    'grid-lookup benchmark at small size',
    [
      'run',
      '--silent',
      'bench',
      '--',
      'grid-lookup',
      '--scale',
      'small',
      '--points',
      '200000',
      '--naive-seconds',
      '0.5',
    ],
  ],
  ['heatmap benchmark at small size', ['run', '--silent', 'bench', '--', 'heatmap', '--scale', 'small']],
  [
    'ticket KPI benchmark at small size (dashboard queries vs SQL)',
    ['run', '--silent', 'bench', '--', 'tickets-kpi', '--scale', 'small'],
  ],
  [
    'broadcast benchmark at small size (2 hubs, Redis, 2,000 simulated workers)',
    [
      'run',
      '--silent',
      'bench',
      '--',
      'broadcast',
      '--workers',
      '2000',
      '--broadcasts',
      '2',
      '--baseline-broadcasts',
      '1',
      '--read-delay-ms',
      '200',
      '--gap-ms',
      '200',
      '--idle-s',
      '1',
    ],
  ],
  [
    'audit benchmark at small size (5,000 entries: record, verify, export)',
    ['run', '--silent', 'bench', '--', 'audit', '--entries', '5000'],
  ],
  ['build', ['run', '--silent', 'build']],
  [
    'map benchmark at small size (app and bare deck.gl page in Chromium)',
    [
      'run',
      '--silent',
      'bench',
      '--',
      'map',
      '--scale',
      'small',
      '--frames',
      '10',
      '--warmup',
      '2',
      '--width',
      '640',
      '--height',
      '400',
    ],
  ],
  ['end-to-end tests', ['run', '--silent', 'test:e2e']],
];

const UNIT_REPORT = 'test-results/unit-report.json';
const E2E_REPORT = 'test-results/e2e-report.json';
for (const report of [UNIT_REPORT, E2E_REPORT]) rmSync(report, { force: true });

function readJson(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}

function summary() {
  const unit = readJson(UNIT_REPORT);
  const e2e = readJson(E2E_REPORT)?.stats;
  const passed = (unit?.numPassedTests ?? 0) + (e2e?.expected ?? 0) + (e2e?.flaky ?? 0);
  const failed = (unit?.numFailedTests ?? 0) + (e2e?.unexpected ?? 0);
  const skipped = (unit?.numPendingTests ?? 0) + (unit?.numTodoTests ?? 0) + (e2e?.skipped ?? 0);
  return { passed, failed, skipped };
}

// Tests run under Node: undo an Electron build of the native module left by `npm start`.
ensureNodeBuild();

for (const [name, args] of steps) {
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  const result = spawnSync('npm', args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  console.log(`${result.status === 0 ? '✔' : '✘'} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (result.status !== 0) {
    const { passed, failed, skipped } = summary();
    console.log(`\nnpm test stopped: ${name} failed`);
    console.log(`tests: ${passed} passed, ${Math.max(failed, 1)} failed, ${skipped} skipped`);
    process.exitCode = 1;
    break;
  }
}

if (process.exitCode !== 1) {
  const { passed, failed, skipped } = summary();
  if (passed === 0) console.log('npm test: no test ran');
  else console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exitCode = passed > 0 && failed === 0 ? 0 : 1;
}
