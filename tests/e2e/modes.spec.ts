/**
 * Issue #8, end to end: Normal → Level III rainstorm for two county-level units, switched from the mode desk after its
 * preview. The band and the layer preset appear on two windows of this console and on a second console connected to
 * the same hub; the flood gauges' thresholds change in the store; the activation broadcast reaches exactly the
 * simulated phones in scope; returning to normal leaves the sensors exactly as they were. A commander without
 * authority over the scope is refused, and the refusal is on the audit trail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { STORE_FILE } from '../../electron/services/store/store';
import { E2E_PASSWORD, expect, HUB_SECRETS, launchConsole, signIn, test } from './fixtures';
import { connectPhones } from './phones';

test.use({ withHub: true });

const FLOOD_KINDS = "('water_level', 'rainfall')";

/**
 * Tables that record what happened rather than hold the city's state: the switch, its broadcast and their audit
 * entries add rows there, by design. Everything else must read the same after the return to normal as before.
 */
const RECORDS = new Set([
  'audit_log',
  'audit_head',
  'sessions',
  'login_failures',
  'broadcasts',
  'broadcast_escalations',
  'emergencies',
  'emergency_timeline',
  'mode_keys',
  'ticket_stream',
  'schema_migrations',
]);

/** Every table but the records, row by row (the city's state). */
function cityState(db: Database.Database): Record<string, unknown[]> {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  return Object.fromEntries(
    tables.filter((table) => !RECORDS.has(table)).map((table) => [table, db.prepare(`SELECT * FROM ${table}`).all()]),
  );
}

test('Normal → Level III rainstorm for two counties on every window of two consoles, and back exactly', async ({
  console: gridline,
  page,
  openCity,
  pageErrors,
}, testInfo) => {
  test.setTimeout(240_000);
  // The city is generated first (the store's rows are read below).
  await openCity();
  const db = new Database(join(gridline.dataDir, STORE_FILE), { readonly: true });
  // Two county-level units with flood gauges and workers, and phones in and out of them.
  const counties = db
    .prepare(
      `SELECT c.code FROM counties c JOIN grids g ON g.county_id = c.id JOIN sensors s ON s.grid_id = g.id
       WHERE s.kind = 'water_level' GROUP BY c.id ORDER BY c.id LIMIT 2`,
    )
    .pluck()
    .all() as string[];
  expect(counties).toHaveLength(2);
  const workersWhere = (inside: boolean): number[] =>
    db
      .prepare(
        `SELECT w.id FROM workers w JOIN grids g ON g.id = w.grid_id JOIN counties c ON c.id = g.county_id
         WHERE c.code ${inside ? '' : 'NOT '}IN (SELECT value FROM json_each(?)) ORDER BY w.id LIMIT 25`,
      )
      .pluck()
      .all(JSON.stringify(counties)) as number[];
  const inScope = workersWhere(true);
  const outOfScope = workersWhere(false);
  const sensors = (): unknown[] => db.prepare('SELECT * FROM sensors ORDER BY id').all();
  const stateBefore = cityState(db);
  const gaugesInScope = (): { warn: number | null; cadence: number }[] =>
    db
      .prepare(
        `SELECT s.warn_threshold AS warn, s.report_every_s AS cadence FROM sensors s JOIN grids g ON g.id = s.grid_id
         JOIN counties c ON c.id = g.county_id
         WHERE s.kind IN ${FLOOD_KINDS} AND c.code IN (SELECT value FROM json_each(?)) ORDER BY s.id`,
      )
      .all(JSON.stringify(counties)) as { warn: number | null; cadence: number }[];

  // The second console: its own store and web host, the same hub.
  const otherDir = mkdtempSync(join(tmpdir(), 'gridline-e2e-second-'));
  const other = await launchConsole({ dataDir: otherDir, cityScale: 'small', hub: gridline.hub });
  // An administrator first (a store without one opens on the first-start setup), then the commander.
  for (const [username, role] of [
    ['e2e-other-admin', 'administrator'],
    ['e2e-other-commander', 'city_commander'],
  ] as const) {
    await other.core.identity.addOperator({ username, displayName: username, role, password: E2E_PASSWORD });
  }
  const phones = await connectPhones(gridline.hub!.url, gridline.dataDir, HUB_SECRETS.worker, [
    ...inScope,
    ...outOfScope,
  ]);
  try {
    const before = sensors();
    const gaugesBefore = gaugesInScope();
    const secondWindow = await page.context().newPage();
    await secondWindow.goto(gridline.host.url);
    await expect(secondWindow.locator('html')).toHaveAttribute('data-session-state', /signed-(in|out)/);
    if ((await secondWindow.locator('html').getAttribute('data-session-state')) === 'signed-out') {
      await signIn(secondWindow);
    }
    const otherConsole = await page.context().newPage();
    await otherConsole.goto(other.host.url);
    await signIn(otherConsole, 'e2e-other-commander');
    await expect(otherConsole.locator('html')).toHaveAttribute('data-city-state', 'ready', { timeout: 60_000 });
    const windows: Page[] = [page, secondWindow, otherConsole];
    for (const window of windows) await expect(window.locator('html')).toHaveAttribute('data-mode-preset', 'normal');

    // The preview first: what will change, for whom.
    await page.getByTestId('open-modes').click();
    await page.getByTestId('mode-event-type').selectOption('rainstorm_flood');
    await page.getByTestId('mode-scope-counties').check();
    for (const code of counties) await page.getByTestId(`mode-scope-county-${code}`).check();
    await page.getByTestId('mode-level-III').click();
    await page.getByTestId('mode-preview').click();
    const preview = page.getByTestId('mode-preview-result');
    await expect(preview).toBeVisible();
    await expect(page.getByTestId('mode-preview-sensors')).toContainText(/water_level|水位/);
    await expect(page.getByTestId('mode-preview-broadcast')).toContainText('Ⅲ级');
    await page.screenshot({ path: testInfo.outputPath('mode-preview.png') });
    expect(sensors()).toEqual(before);

    const clicked = Date.now();
    await page.getByTestId('mode-confirm').click();
    await expect(page.getByTestId('mode-result')).toHaveAttribute('data-outcome', 'done');
    for (const window of windows) {
      const band = window.getByTestId('mode-band-item');
      await expect(band).toHaveCount(1);
      await expect(band).toHaveAttribute('data-level', 'III');
      await expect(band).toHaveAttribute('data-event', 'rainstorm_flood');
      await expect(window.locator('html')).toHaveAttribute('data-mode-preset', 'rainstorm-flood');
    }
    console.log(`band on three windows of two consoles ${Date.now() - clicked} ms after the click`);
    await otherConsole.screenshot({ path: testInfo.outputPath('second-console-band.png') });

    // Flood thresholds changed in the store: earlier warnings, shorter cadence.
    const gaugesAfter = gaugesInScope();
    expect(gaugesAfter.length).toBe(gaugesBefore.length);
    gaugesAfter.forEach((gauge, index) => {
      const was = gaugesBefore[index]!;
      if (was.warn !== null) expect(gauge.warn!).toBeLessThan(was.warn);
      expect(gauge.cadence).toBeLessThan(was.cadence);
    });

    // The activation broadcast reached exactly the phones in scope, once each.
    await expect
      .poll(() => inScope.filter((id) => phones.received.get(id)?.length === 1).length, { timeout: 15_000 })
      .toBe(inScope.length);
    expect(outOfScope.filter((id) => (phones.received.get(id)?.length ?? 0) > 0)).toEqual([]);
    expect(phones.received.get(inScope[0]!)![0]!.t).toContain('Ⅲ级');

    // Back to normal, from the second console: the store is as it was, every window back to normal.
    await otherConsole.getByTestId('open-modes').click();
    // Returning previews too (what goes back), then confirms.
    await otherConsole.locator('[data-testid^="mode-active-"]').getByTestId('mode-return').click();
    await expect(otherConsole.getByTestId('mode-preview-result')).toBeVisible();
    await expect(otherConsole.getByTestId('mode-preview-sensors')).toContainText(/water_level|水位/);
    await otherConsole.getByTestId('mode-confirm').click();
    await expect(otherConsole.getByTestId('mode-result')).toHaveAttribute('data-outcome', 'done');
    for (const window of windows) {
      await expect(window.getByTestId('mode-band-item')).toHaveCount(0);
      await expect(window.locator('html')).toHaveAttribute('data-mode-preset', 'normal');
    }
    expect(sensors()).toEqual(before);
    // Not only the sensors: every table of the city's state reads as before the switch.
    const stateAfter = cityState(db);
    expect(Object.keys(stateAfter)).toEqual(Object.keys(stateBefore));
    for (const table of Object.keys(stateBefore)) expect(stateAfter[table], table).toEqual(stateBefore[table]);
    expect(pageErrors).toEqual([]);
  } finally {
    phones.close();
    db.close();
    await other.host.close();
    await other.core.close();
    rmSync(otherDir, { recursive: true, force: true });
  }
});

test('a commander without authority over the scope is refused, and the refusal is audited', async ({
  console: gridline,
  page,
  openCity,
}) => {
  // The city first: its counties are read below.
  await openCity();
  const db = new Database(join(gridline.dataDir, STORE_FILE), { readonly: true });
  const [own, elsewhere] = db.prepare('SELECT code FROM counties ORDER BY id LIMIT 2').pluck().all() as string[];
  db.close();
  await gridline.core.identity.addOperator({
    username: 'e2e-district',
    displayName: 'e2e-district',
    role: 'district_commander',
    scope: { kind: 'county', code: own! },
    password: E2E_PASSWORD,
  });
  await page.getByTestId('operator-chip').click();
  await page.getByTestId('menu-sign-out').click();
  await signIn(page, 'e2e-district');
  await page.getByTestId('open-modes').click();
  await page.getByTestId('mode-scope-counties').check();
  await page.getByTestId(`mode-scope-county-${elsewhere}`).check();
  await page.getByTestId('mode-level-IV').click();
  await page.getByTestId('mode-preview').click();
  await expect(page.getByTestId('mode-preview-result')).toBeVisible();
  await expect(page.getByTestId('mode-confirm')).toBeDisabled();
  // The console refuses it whatever a window does (a script on the same account), and records the refusal.
  const script = { host: 'web' as const, client: 'e2e-district-script' };
  expect(
    (await gridline.core.dispatch('session.signIn', { username: 'e2e-district', password: E2E_PASSWORD }, script)).ok,
  ).toBe(true);
  const refused = await gridline.core.dispatch(
    'modes.switch',
    { action: 'activate', eventType: 'rainstorm_flood', scope: { kind: 'counties', codes: [elsewhere] }, level: 'IV' },
    script,
  );
  expect(refused.ok ? 'ok' : refused.error.code).toBe('forbidden');
  const audit = new Database(join(gridline.dataDir, STORE_FILE), { readonly: true });
  try {
    await expect
      .poll(
        () =>
          audit
            .prepare(
              "SELECT count(*) FROM audit_log WHERE action = 'modes.switch' AND result = 'refused' AND actor = 'e2e-district'",
            )
            .pluck()
            .get() as number,
      )
      .toBeGreaterThan(0);
  } finally {
    audit.close();
  }
});

test('a city commander saves a new version of a mode profile; a bad value is shown at its field; a viewer reads only', async ({
  console: gridline,
  page,
  openCity,
}, testInfo) => {
  await openCity();
  await page.getByTestId('open-modes').click();
  await page.getByTestId('mode-tab-profiles').click();
  const profile = page.getByTestId('mode-profile-rainstorm-flood');
  await expect(profile).toHaveAttribute('data-version', '1');
  await profile.getByRole('button').first().click();
  const editor = page.getByTestId('mode-profile-edit');
  const warn = editor.locator('input[data-field="levels.III.sensors.0.warnFactor"]');
  // Out of the schema's range: refused before it is sent, said at the field.
  await warn.fill('5');
  await page.getByTestId('mode-profile-save').click();
  await expect(page.getByTestId('mode-profile-errors')).toBeVisible();
  await expect(
    editor.locator('[data-testid="mode-profile-issue"][data-field="levels.III.sensors.0.warnFactor"]'),
  ).toBeVisible();
  await warn.fill('0.75');
  await page.getByTestId('mode-profile-save').click();
  await expect(page.getByTestId('mode-profile-version')).toHaveAttribute('data-version', '2');
  await expect(profile).toHaveAttribute('data-version', '2');
  await page.screenshot({ path: testInfo.outputPath('mode-profile-saved.png') });
  const db = new Database(join(gridline.dataDir, STORE_FILE), { readonly: true });
  try {
    const versions = db
      .prepare(
        "SELECT version, saved_by AS savedBy, body FROM mode_profiles WHERE id = 'rainstorm-flood' ORDER BY version",
      )
      .all() as { version: number; savedBy: string; body: string }[];
    expect(versions.map((row) => [row.version, row.savedBy])).toEqual([
      [1, 'resources'],
      [2, 'e2e-commander'],
    ]);
    const saved = JSON.parse(versions[1]!.body) as { levels: { III: { sensors: { warnFactor: number }[] } } };
    expect(saved.levels.III.sensors[0]!.warnFactor).toBe(0.75);
  } finally {
    db.close();
  }

  // A viewer sees the profiles and cannot edit them.
  await page.getByTestId('operator-chip').click();
  await page.getByTestId('menu-sign-out').click();
  await signIn(page, 'e2e-viewer');
  await page.getByTestId('open-modes').click();
  await page.getByTestId('mode-tab-profiles').click();
  await page.getByTestId('mode-profile-rainstorm-flood').getByRole('button').first().click();
  await expect(page.getByTestId('mode-profile-view')).toBeVisible();
  await expect(page.getByTestId('mode-profile-save')).toHaveCount(0);
});
