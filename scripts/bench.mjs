// `npm run bench -- <name> [args]`: runs tests/bench/<name>.ts under tsx with the remaining arguments. Each
// benchmark prints progress to stderr and one JSON object as the last line of stdout.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const BENCH_DIR = join('tests', 'bench');
const [name, ...rest] = process.argv.slice(2);
const available = () =>
  readdirSync(BENCH_DIR)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.slice(0, -3));

if (!name || !/^[a-z0-9-]+$/.test(name) || !existsSync(join(BENCH_DIR, `${name}.ts`))) {
  console.error(`usage: npm run bench -- <name> [args]; benchmarks: ${available().join(', ')}`);
  process.exit(2);
}

// npx is a .cmd script on Windows, which Node only spawns through a shell.
const result = spawnSync('npx', ['tsx', join(BENCH_DIR, `${name}.ts`), ...rest], {
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
