/**
 * Contract fuzzing (issue #6): thousands of random and malformed payloads, drawn from a seeded generator, at every
 * invoke entry of the REAL console core — a small generated city in a temporary store, a real command hub in-process.
 *
 * - Every reply is a typed result: a schema-invalid input is refused as `invalid-input` before any handler runs; a
 *   valid one is answered, or refused with a known code that is never `internal` (a handler crash). Nothing rejects,
 *   throws, or escapes as an unhandled rejection.
 * - No refused call changes anything: not the store (a write counter kept by triggers on every table, around every
 *   call; a hash of every table around each state-changing entry's malformed batch and at the end), not the
 *   settings, not the data directory. Read-only entries never write, accepted or not. The record of the calls is the
 *   exception by design: the audit trail, the sessions' last activity and the sign-in failure counts.
 * - Calls run as signed-in operators (issue #6): an administrator for the administrator's entries, a city commander
 *   for the rest, and a window of its own for the sign-in entries, so the fuzzer reaches the handlers behind the
 *   access gate rather than bouncing off it.
 * - The console answers normally afterwards.
 *
 * The seed is printed; `GRIDLINE_FUZZ_SEED=<n>` repeats a run, `GRIDLINE_FUZZ_RUNS=<n>` sets how many payloads are
 * generated per entry (on top of its examples and the fixed hostile shapes).
 */
import { createHash, randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleCore, type ConsoleCore } from '../../../../electron/host/console-core';
import type { CallContext } from '../../../../electron/host/dispatcher';
import { createMemoryLogger } from '../../../../electron/host/logger';
import { STORE_FILE } from '../../../../electron/services/store/store';
import {
  CONTRACT_ERROR_CODES,
  contractErrorSchema,
  INVOKE_NAMES,
  invokeContract,
  type CallResult,
  type EventName,
  type InvokeName,
} from '../../../../shared/contract';
import { encodeFrame } from '../../../../shared/contract/wire';
import { DEFAULT_IDENTITY_POLICY } from '../../../../electron/services/identity';
import { closeAll, CONSOLE_SECRET, hub } from '../../hub/hub-fixtures';
import { addOperator, signIn, TEST_SCRYPT } from './console-operators';
import { describePayload, leavesOf, PayloadFuzzer, Random, vocabularyOf } from './contract-fuzz-payloads';

const SEED = process.env.GRIDLINE_FUZZ_SEED ? Number(process.env.GRIDLINE_FUZZ_SEED) : randomInt(2 ** 31);
const RUNS = Number(process.env.GRIDLINE_FUZZ_RUNS ?? 400);
const REPRODUCE = `GRIDLINE_FUZZ_SEED=${SEED} GRIDLINE_FUZZ_RUNS=${RUNS}`;

/** The entries that act: accepted, they may change the store, the settings or the hub. Every other entry only reads. */
const STATE_CHANGING = new Set<InvokeName>([
  'city.importFile',
  'broadcast.send',
  'broadcast.resend',
  'settings.update',
  'session.setup',
  'session.signIn',
  'session.resume',
  'session.signOut',
  'session.lock',
  'session.unlock',
  'confirmations.approve',
  'confirmations.reject',
  'users.add',
  'users.update',
  'users.setDisabled',
  'users.resetPassword',
  'users.unlock',
  'users.updatePolicy',
  'audit.export',
  'modes.switch',
  'modes.saveProfile',
]);
/** Tables that record calls rather than hold state: every call may write them, refused or not. */
const RECORD_TABLES = new Set(['audit_log', 'audit_head', 'sessions', 'login_failures']);
/** The administrator's entries; everything else runs as a city commander, the sign-in entries on a window of their own. */
const ADMIN_PERMISSIONS = new Set<string>(['users.manage', 'data.import', 'audit.read', 'audit.export']);
/** Events a refused call must never cause (receipts and the hub link come and go on their own). */
const STATE_EVENTS = new Set<EventName>(['settings.changed', 'city.statusChanged']);

const resourcesDir = join(import.meta.dirname, '..', '..', '..', '..', 'resources');
const context: CallContext = { host: 'web', client: 'fuzz' };
const adminContext: CallContext = { host: 'web', client: 'fuzz-admin' };
const sessionContext: CallContext = { host: 'web', client: 'fuzz-session' };
const contextFor = (name: InvokeName): CallContext =>
  name.startsWith('session.')
    ? sessionContext
    : ADMIN_PERMISSIONS.has(invokeContract[name].permission)
      ? adminContext
      : context;
let commander: string;
let administrator: string;
const errorCodes = new Set<string>(CONTRACT_ERROR_CODES);
/** However large the input, a refusal stays a few kilobytes on the wire (and in the log). */
const MAX_ERROR_REPLY_BYTES = 16 * 1024;

let core: ConsoleCore;
let log: ReturnType<typeof createMemoryLogger>;
let dataDir: string;
let filesDir: string;
let db: Database.Database;
const events: EventName[] = [];
const escaped: string[] = [];
const onUnhandled = (reason: unknown): void => void escaped.push(`unhandled rejection: ${String(reason)}`);
const onUncaught = (error: Error): void => void escaped.push(`uncaught exception: ${String(error)}`);
let prototypeKeys: string[];

/** What the fuzzer knows beyond the schemas: real ids, names and codes of this city, files to import. */
const known = { strings: [] as string[], numbers: [] as number[] };
let gridName: { id: number; name: string };
let setupBroadcast: string;
/** The store as the accepted calls so far left it. */
let expected: Record<string, string>;

interface Tally {
  payloads: number;
  invalid: number;
  accepted: number;
  refused: Record<string, number>;
}
const tallies = new Map<InvokeName, Tally>();
let started = 0;

/** The store's every table: rows and a hash of their content (read on the test's own read-only connection). */
function fingerprint(): Record<string, string> {
  const out: Record<string, string> = {};
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
  for (const table of tables as string[]) {
    if (RECORD_TABLES.has(table) || table === 'fuzz_writes') continue;
    const hash = createHash('sha256');
    let rows = 0;
    for (const row of db.prepare(`SELECT * FROM "${table}"`).raw().iterate() as Iterable<unknown[]>) {
      rows++;
      let text = '';
      for (const value of row) {
        if (value instanceof Uint8Array) {
          hash.update(text).update(value);
          text = '\u001e';
        } else text += `${typeof value}:${String(value)}\u001f`;
      }
      hash.update(`${text}\u001d`);
    }
    out[table] = `${rows} rows ${hash.digest('hex').slice(0, 16)}`;
  }
  return { ...out, '(data directory)': quickState().files };
}

/**
 * Cheap enough for every call: the write counter (triggers on every table but the record tables, installed by
 * `countWrites`), the settings file, the directory.
 */
function quickState(): { dataVersion: number; files: string } {
  const files = readdirSync(dataDir, { recursive: true, withFileTypes: true })
    .filter((entry) => !/-(wal|shm)$/.test(entry.name))
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      // The store's own bytes move with checkpoints; data_version speaks for its content.
      const content =
        entry.isFile() && entry.name !== STORE_FILE
          ? ` ${createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12)}`
          : '';
      return `${path.slice(dataDir.length)}${entry.isDirectory() ? '/' : content}`;
    })
    .sort()
    .join(', ');
  return { dataVersion: db.prepare('SELECT n FROM fuzz_writes').pluck().get() as number, files };
}

/** Installs a counter of every row written to a table that holds state (the store is this test's own). */
function countWrites(file: string): void {
  const writer = new Database(file);
  writer.exec('CREATE TABLE fuzz_writes (n INTEGER NOT NULL); INSERT INTO fuzz_writes VALUES (0);');
  const tables = writer
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'fuzz_writes'",
    )
    .pluck()
    .all() as string[];
  for (const table of tables.filter((name) => !RECORD_TABLES.has(name))) {
    for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
      writer.exec(
        `CREATE TRIGGER "fuzz_${table}_${event}" AFTER ${event} ON "${table}" BEGIN UPDATE fuzz_writes SET n = n + 1; END;`,
      );
    }
  }
  writer.close();
}

/** Signs the fuzz windows in again (a fuzzed call may have signed one out, locked it or changed the policy). */
async function signInFuzzClients(): Promise<void> {
  if (JSON.stringify(core.identity.getPolicy()) !== JSON.stringify(DEFAULT_IDENTITY_POLICY)) {
    core.identity.updatePolicy(DEFAULT_IDENTITY_POLICY);
    // A fuzzed, accepted policy change undone: the store is as the test itself now left it.
    if (expected) expected = fingerprint();
  }
  for (const username of [commander, administrator]) core.identity.unlock(username);
  await signIn(core, context, commander);
  await signIn(core, adminContext, administrator);
  await core.dispatch('session.signOut', {}, sessionContext);
}

/** An error reply on the contract's own error schema, with a known code, small whatever the input was. */
function typedError(result: CallResult<unknown>): string | null {
  if (result.ok) return null;
  if (!contractErrorSchema.safeParse(result.error).success) {
    return `error reply off the contract: ${describePayload(result.error)}`;
  }
  if (!errorCodes.has(result.error.code)) return `unknown error code ${result.error.code}`;
  const bytes = encodeFrame({ type: 'result', id: 1, ...result }).byteLength;
  if (bytes > MAX_ERROR_REPLY_BYTES) return `an error reply of ${bytes} bytes (the input echoed back?)`;
  return null;
}

/**
 * Runs one payload and returns what is wrong with the outcome, if anything. `valid` is the contract's own verdict on
 * the input, taken before the call.
 */
async function fuzzCall(name: InvokeName, payload: unknown, valid: boolean, tally: Tally): Promise<string | null> {
  const before = quickState();
  const eventsBefore = events.length;
  let result: CallResult<unknown>;
  try {
    result = await core.dispatch(name, payload, contextFor(name));
  } catch (error) {
    return `dispatch rejected (it must answer): ${String(error)}`;
  }
  const after = quickState();
  const stateEvents = events.slice(eventsBefore).filter((event) => STATE_EVENTS.has(event));
  tally.payloads++;
  if (typeof result !== 'object' || result === null || typeof result.ok !== 'boolean') {
    return `reply is not a result envelope: ${describePayload(result)}`;
  }
  const malformed = typedError(result);
  if (malformed) return malformed;
  if (!valid) {
    tally.invalid++;
    if (result.ok) return 'accepted an input the contract refuses';
    if (result.error.code !== 'invalid-input') return `refused with ${result.error.code}, not invalid-input`;
    if (!result.error.issues?.length) return 'invalid-input without issues';
  } else if (result.ok) {
    tally.accepted++;
    if (STATE_CHANGING.has(name)) return null;
    if (after.dataVersion !== before.dataVersion) return 'a read-only entry wrote to the store';
    if (after.files !== before.files) return 'a read-only entry changed the data directory';
    return null;
  } else {
    tally.refused[result.error.code] = (tally.refused[result.error.code] ?? 0) + 1;
    if (result.error.code === 'internal') return `handler failed: ${result.error.message} (see the log)`;
    if (result.error.code === 'invalid-input') return 'the dispatcher refused an input the contract accepts';
  }
  // Refused: nothing may have changed.
  if (after.dataVersion !== before.dataVersion) return 'refused, yet the store changed';
  if (after.files !== before.files) return `refused, yet the data directory changed: ${before.files} → ${after.files}`;
  if (stateEvents.length > 0) return `refused, yet emitted ${stateEvents.join(', ')}`;
  return null;
}

/** The contract's verdict; an input zod cannot even read (it throws) is invalid, as the dispatcher treats it. */
function validInput(schema: { safeParse: (value: unknown) => { success: boolean } }, value: unknown): boolean {
  try {
    return schema.safeParse(value).success;
  } catch {
    return false;
  }
}

async function call(name: InvokeName, input: unknown): Promise<CallResult<unknown>> {
  return core.dispatch(name, input, contextFor(name));
}

beforeAll(async () => {
  started = performance.now();
  console.info(`contract fuzz: seed ${SEED}, ${RUNS} generated payloads per entry (repeat with ${REPRODUCE})`);
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUncaught);
  prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  const commandHub = await hub();
  dataDir = mkdtempSync(join(tmpdir(), 'gridline-fuzz-'));
  log = createMemoryLogger();
  core = createConsoleCore({
    dataDir,
    resourcesDir,
    host: 'web',
    version: '0.0.0-fuzz',
    log,
    cityScale: 'small',
    scrypt: TEST_SCRYPT,
    hub: { url: commandHub.url, consoleSecret: CONSOLE_SECRET },
  });
  core.events.connect((name) => void events.push(name));
  expect(await core.cityReady).toBe(true);
  commander = await addOperator(core, 'city_commander');
  administrator = await addOperator(core, 'administrator');
  await signInFuzzClients();
  let hubState = '';
  for (let i = 0; i < 400 && hubState !== 'connected'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    hubState = ((await call('hub.getStatus', {})) as { output: { state: string } }).output.state;
  }
  expect(hubState, 'the console connects to the hub').toBe('connected');
  countWrites(join(dataDir, STORE_FILE));
  db = new Database(join(dataDir, STORE_FILE), { readonly: true });

  // Real values for the generator: grids of every level, counties, devices, a sent broadcast.
  const grids = db
    .prepare(
      `SELECT id, code, name, centroid_lon AS lng, centroid_lat AS lat FROM grids
       WHERE id IN (SELECT MIN(id) FROM grids GROUP BY level) OR id % 97 = 0 LIMIT 24`,
    )
    .all() as { id: number; code: string; name: string; lng: number; lat: number }[];
  gridName = grids[0]!;
  for (const grid of grids) {
    known.strings.push(grid.code, grid.name);
    known.numbers.push(grid.id, grid.lng, grid.lat);
  }
  known.numbers.push(...(db.prepare('SELECT id FROM counties LIMIT 4').pluck().all() as number[]));
  for (const table of ['cameras', 'sensors', 'workers']) {
    const device = db.prepare(`SELECT id, code FROM ${table} LIMIT 1`).get() as { id: number; code: string };
    known.numbers.push(device.id);
    known.strings.push(device.code, String(device.id));
  }
  const sent = await call('broadcast.send', {
    ...invokeContract['broadcast.send'].example,
    target: { kind: 'grids', ids: [grids[0]!.id] },
  });
  expect(sent).toMatchObject({ ok: true });
  setupBroadcast = (sent as { output: { id: string } }).output.id;
  known.strings.push(setupBroadcast);

  // Files to import, all of which must be refused: empty, binary, malformed, good rows then a bad one, a directory.
  filesDir = mkdtempSync(join(tmpdir(), 'gridline-fuzz-files-'));
  const random = new Random(SEED);
  const files: Record<string, string | Uint8Array> = {
    'empty.csv': '',
    'garbage.bin': Uint8Array.from({ length: 4096 }, () => random.int(0, 255)),
    'junk.csv': 'a,b,c\n1,2,3\n"unterminated,4\n',
    'cameras-bad-last-row.csv': [
      'code,kind,lon,lat,grid_code,stream_url',
      ...grids.slice(0, 5).map((grid, i) => `FZ${SEED}-${i},traffic,${grid.lng},${grid.lat},,`),
      `FZ${SEED}-bad,traffic,abc,${grids[0]!.lat},,`,
    ].join('\n'),
    'grids-bad.geojson': JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { level: 'county', code: '1', name: 'x' }, geometry: null }],
    }),
    'not.json': '{"type": "FeatureCollection", "features": [',
  };
  for (const [file, content] of Object.entries(files)) writeFileSync(join(filesDir, file), content);
  mkdirSync(join(filesDir, 'a-directory'));
  known.strings.push(
    ...Object.keys(files).map((file) => join(filesDir, file)),
    join(filesDir, 'a-directory'),
    join(filesDir, 'missing.csv'),
    filesDir,
    join(dataDir, STORE_FILE),
  );
  expected = fingerprint();
}, 120_000);

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUncaught);
  db?.close();
  await core?.close();
  await closeAll();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (filesDir) rmSync(filesDir, { recursive: true, force: true });
  const rows = [...tallies].map(([name, t]) => {
    const refused =
      Object.entries(t.refused)
        .map(([code, n]) => `${code} ${n}`)
        .join(', ') || '-';
    return `  ${name.padEnd(22)} ${String(t.payloads).padStart(5)} payloads: ${String(t.invalid).padStart(4)} invalid, ${String(t.accepted).padStart(4)} accepted, refused: ${refused}`;
  });
  const total = [...tallies.values()].reduce((sum, t) => sum + t.payloads, 0);
  console.info(
    [
      `contract fuzz: seed ${SEED}, ${total} payloads over ${tallies.size} entries in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      ...rows,
    ].join('\n'),
  );
});

describe(`contract fuzz (seed ${SEED})`, () => {
  it.each(INVOKE_NAMES.map((name) => [name]))(
    '%s: typed answers only, no state change when refused',
    async (name) => {
      const entry = invokeContract[name];
      const extra = leavesOf([entry.example, ...entry.invalidExamples]);
      const vocabulary = vocabularyOf([entry.input], {
        strings: [...extra.strings, ...known.strings],
        numbers: [...extra.numbers, ...known.numbers],
        keys: extra.keys,
      });
      // Each entry its own stream, so adding an entry does not change the payloads of the others.
      const salt = [...name].reduce((hash, char) => Math.imul(hash ^ char.charCodeAt(0), 16_777_619), 2_166_136_261);
      const fuzzer = new PayloadFuzzer(new Random((SEED ^ salt) >>> 0), vocabulary);
      await signInFuzzClients();
      const payloads = fuzzer.payloads(entry, RUNS).map((payload, index) => ({
        ...payload,
        index,
        valid: validInput(entry.input, payload.value),
      }));
      const tally: Tally = { payloads: 0, invalid: 0, accepted: 0, refused: {} };
      tallies.set(name, tally);
      const problems: string[] = [];
      const run = async (batch: typeof payloads): Promise<void> => {
        for (const payload of batch) {
          const problem = await fuzzCall(name, payload.value, payload.valid, tally);
          if (problem) problems.push(`#${payload.index} ${payload.kind} ${describePayload(payload.value)}: ${problem}`);
        }
      };

      // The malformed ones first, as one batch, with the whole store compared around it.
      await run(payloads.filter((payload) => !payload.valid));
      if (STATE_CHANGING.has(name))
        expect(fingerprint(), `${name}: malformed calls changed the store`).toEqual(expected);
      const before = quickState();
      // Walking or exporting the whole trail costs in proportion to what the fuzzer itself keeps adding to it.
      const valid = payloads.filter((payload) => payload.valid);
      await run(name === 'audit.verify' ? valid.slice(0, 8) : name === 'audit.export' ? valid.slice(0, 40) : valid);
      const after = quickState();
      if (after.dataVersion !== before.dataVersion || after.files !== before.files) expected = fingerprint();

      expect(problems.slice(0, 20), `${problems.length} problems; repeat with ${REPRODUCE}`).toEqual([]);
      expect(tally.invalid, 'malformed payloads were tried').toBeGreaterThan(0);
      expect(tally.payloads - tally.invalid, 'valid payloads reached the handler').toBeGreaterThan(0);
    },
    30_000,
  );

  it('answers unknown entry names with unknown-entry, whatever the name is', async () => {
    const fuzzer = new PayloadFuzzer(new Random(SEED), vocabularyOf([], { strings: [...INVOKE_NAMES] }));
    const names: unknown[] = [
      'settings.delete',
      'app.getInfo ',
      'APP.GETINFO',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      '',
      Object.create(null),
      Symbol('app.getInfo'),
      ['app.getInfo'],
      ...Array.from({ length: RUNS }, () => fuzzer.value()),
    ];
    for (const name of names) {
      if (typeof name === 'string' && (INVOKE_NAMES as readonly string[]).includes(name)) continue;
      const result = await core.dispatch(name, {}, context).catch((error: unknown) => ({ thrown: String(error) }));
      expect(result, describePayload(name)).toMatchObject({ ok: false, error: { code: 'unknown-entry' } });
    }
  });

  it('leaves the console healthy: the store as the accepted calls left it, normal calls answered', async () => {
    expect(fingerprint(), 'refused or read-only calls changed the store').toEqual(expected);
    await signInFuzzClients();
    expect(escaped).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(log.entries.filter((entry) => entry.event === 'contract.handler-failed')).toEqual([]);

    await expect(call('app.getInfo', {})).resolves.toMatchObject({
      ok: true,
      output: { name: 'Gridline', version: '0.0.0-fuzz' },
    });
    await expect(call('city.getStatus', {})).resolves.toMatchObject({ ok: true, output: { state: 'ready' } });
    const search = await call('map.search', { query: gridName.name });
    expect(search).toMatchObject({ ok: true });
    expect((search as { output: { hits: { id: number }[] } }).output.hits.map((hit) => hit.id)).toContain(gridName.id);

    const language = (await call('settings.get', {})) as { output: { language: string } };
    const other = language.output.language === 'en' ? 'zh-CN' : 'en';
    await expect(call('settings.update', { language: other })).resolves.toEqual({
      ok: true,
      output: { language: other },
    });
    await expect(call('settings.get', {})).resolves.toEqual({ ok: true, output: { language: other } });
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'))).toEqual({ language: other });

    const sent = await call('broadcast.send', {
      ...invokeContract['broadcast.send'].example,
      target: { kind: 'grids', ids: [gridName.id] },
    });
    expect(sent).toMatchObject({ ok: true });
    const listed = (await call('broadcast.list', {})) as { output: { id: string }[] };
    expect(listed.output[0]?.id).toBe((sent as { output: { id: string } }).output.id);
    expect(db.prepare('SELECT 1 FROM broadcasts WHERE id = ?').pluck().get(setupBroadcast)).toBe(1);

    // No import left half-running: a new one gets the ordinary refusal for its file.
    const imported = await call('city.importFile', {
      path: join(filesDir, 'missing.csv'),
      kind: 'workers',
      crs: 'WGS-84',
    });
    expect(imported).toMatchObject({ ok: false, error: { code: 'refused' } });
    expect((imported as { error: { message: string } }).error.message).toContain('missing.csv');
  });
});
