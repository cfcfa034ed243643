import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCity } from '../../../../../electron/services/city/generator/generate-city';
import { Random } from '../../../../../electron/services/city/generator/random';
import { loadGridGeometries, naiveLocate } from '../../../../../electron/services/city/grid-index';
import { GridLocator } from '../../../../../electron/services/city/grid-locator';
import type { GridGeometry } from '../../../../../electron/services/city/grid-model';
import { loadTaxonomy } from '../../../../../electron/services/city/taxonomy-loader';
import { openStore, type Store } from '../../../../../electron/services/store/store';
import type { Route, RouteResult } from '../../../../../electron/services/tickets/routing/route-types';
import { RoutingRuleError } from '../../../../../electron/services/tickets/routing/routing-rules';
import { TicketRouter } from '../../../../../electron/services/tickets/routing/ticket-router';
import type { DepartmentKind } from '../../../../../shared/domain/taxonomy';

const resourcesDir = join(import.meta.dirname, '..', '..', '..', '..', '..', 'resources');

interface GridRow {
  id: number;
  code: string;
  name: string;
  level: string;
  parent_id: number | null;
  county_id: number;
  exclusive_kind: string | null;
  centroid_lon: number;
  centroid_lat: number;
}

interface DepartmentRow {
  id: number;
  code: string;
  kind: string;
  county_id: number | null;
}

/** Leaves of the shipped taxonomy used below, one per department level. */
const COUNTY_CATEGORY = '010101'; // 占道经营 → urban_management (county)
const STREET_CATEGORY = '060304'; // 娱乐场所噪声 → public_security (street)
const CITY_CATEGORY = '110101'; // 燃气泄漏 → gas_company (city)

const expectRoute = (result: RouteResult): Route => {
  if (!result.ok) throw new Error(`expected a route, got ${result.refusal}: ${result.reason.en}`);
  return result;
};

describe('ticket router', () => {
  let store: Store;
  let locator: GridLocator;
  let router: TicketRouter;
  let kinds: DepartmentKind[];
  let geometries: GridGeometry[];
  let grids: Map<number, GridRow>;
  let counties: Map<number, string>;
  let clock = Date.UTC(2025, 6, 20, 8);

  /** An ordinary point: the centroid of a micro-grid (`accept`ed) that lies in it and in no exclusive grid. */
  const ordinaryPoint = (
    accept: (grid: GridRow) => boolean = () => true,
    skip = 0,
  ): { lng: number; lat: number; micro: GridRow } => {
    let skipped = 0;
    for (const grid of grids.values()) {
      if (grid.level !== 'micro' || !accept(grid)) continue;
      const at = locator.index().locate(grid.centroid_lon, grid.centroid_lat);
      if (at.micro !== grid.id || at.exclusive !== -1 || skipped++ < skip) continue;
      return { lng: grid.centroid_lon, lat: grid.centroid_lat, micro: grid };
    }
    throw new Error('no such micro-grid');
  };

  const l1Of = (id: number): GridRow => {
    let grid = grids.get(id)!;
    while (grid.level !== 'L1') grid = grids.get(grid.parent_id!)!;
    return grid;
  };

  const exclusiveNamed = (name: string): GridRow => {
    const grid = [...grids.values()].find((row) => row.name === name);
    if (!grid) throw new Error(`${name} was not placed in the small city`);
    return grid;
  };

  beforeAll(async () => {
    store = openStore(mkdtempSync(join(tmpdir(), 'gridline-router-')));
    await generateCity(store, { scale: 'small', seed: 11, resourcesDir });
    kinds = loadTaxonomy(resourcesDir).departmentKinds;
    locator = new GridLocator(store);
    router = new TicketRouter({ store, locator, departmentKinds: kinds, now: () => clock });
    geometries = loadGridGeometries(store.reader());
    const rows = store
      .reader()
      .prepare(
        'SELECT id, code, name, level, parent_id, county_id, exclusive_kind, centroid_lon, centroid_lat FROM grids',
      )
      .all() as GridRow[];
    grids = new Map(rows.map((row) => [row.id, row]));
    const countyRows = store.reader().prepare('SELECT id, code FROM counties').all() as { id: number; code: string }[];
    counties = new Map(countyRows.map((row) => [row.id, row.code]));
    router.warm();
  });

  it('agrees with the naive grid scan on 100,000 random points, exclusive precedence included', () => {
    const { west, south, east, north } = store
      .reader()
      .prepare(
        `SELECT min(min_lon) AS west, min(min_lat) AS south, max(max_lon) AS east, max(max_lat) AS north
         FROM grids WHERE level = 'L1'`,
      )
      .get() as { west: number; south: number; east: number; north: number };
    const departments = new Map(
      (store.reader().prepare('SELECT id, code, kind, county_id FROM departments').all() as DepartmentRow[]).map(
        (row) => [row.id, row],
      ),
    );
    const kindLevel = new Map(kinds.map((kind) => [kind.code, kind.level]));
    const leaves = store
      .reader()
      .prepare('SELECT code, department_kind AS kind FROM categories WHERE level = 3 ORDER BY code')
      .all() as { code: string; kind: string }[];

    const random = new Random(20_250_720);
    const disagreements: string[] = [];
    let disagreeing = 0;
    const tally = { inside: 0, outside: 0, exclusive: 0, exclusiveOperator: 0 };
    for (let k = 0; k < 100_000; k++) {
      const lng = west + (east - west) * random.next();
      const lat = south + (north - south) * random.next();
      const leaf = leaves[k % leaves.length]!;
      const naive = naiveLocate(geometries, lng, lat);
      const finest = naive.micro >= 0 ? naive.micro : naive.l3 >= 0 ? naive.l3 : naive.l2 >= 0 ? naive.l2 : naive.l1;
      const expected = naive.exclusive >= 0 ? naive.exclusive : finest;
      const result = router.route({ lng, lat, categoryCode: leaf.code });
      const problem = (what: string) => {
        disagreeing++;
        if (disagreements.length < 10) disagreements.push(`${lng}, ${lat} (${leaf.code}): ${what}`);
      };
      if (expected < 0) {
        tally.outside++;
        if (result.ok || result.refusal !== 'outside-city')
          problem(`outside every grid, got ${JSON.stringify(result)}`);
        continue;
      }
      tally.inside++;
      if (!result.ok) {
        problem(`refused: ${result.refusal}`);
        continue;
      }
      if (result.grid.id !== expected) problem(`grid ${result.grid.id}, naive ${expected}`);
      if (result.l1?.id !== l1Of(expected).id) problem(`street ${result.l1?.id}, expected ${l1Of(expected).id}`);
      if (result.county.id !== grids.get(expected)!.county_id) problem(`county ${result.county.id}`);
      const department = departments.get(result.department.id)!;
      const exclusive = naive.exclusive >= 0 ? grids.get(naive.exclusive)! : undefined;
      if (exclusive) tally.exclusive++;
      if (exclusive && (exclusive.exclusive_kind === 'station' || exclusive.exclusive_kind === 'airport')) {
        tally.exclusiveOperator++;
        if (result.basis !== 'exclusive-grid') problem(`basis ${result.basis} in a ${exclusive.exclusive_kind} grid`);
        if (department.kind !== `${exclusive.exclusive_kind}_operator`) problem(`department ${department.code}`);
        continue;
      }
      if (result.basis !== 'category' || department.kind !== leaf.kind) problem(`department ${department.code}`);
      // Street and county kinds: the county's unit (the generator keeps one per county); city kinds: the city's.
      const wantCounty = kindLevel.get(leaf.kind) === 'city' ? null : result.county.id;
      if (department.county_id !== wantCounty) problem(`department ${department.code} in county ${wantCounty}`);
      if (!result.reason.zh.includes(result.department.name) || !result.reason.en.includes(result.department.nameEn)) {
        problem('reason does not name the department');
      }
    }
    expect(disagreements).toEqual([]);
    expect(disagreeing).toBe(0);
    // The sample reaches every case: the bbox around the city outline leaves about a third outside.
    expect(tally.inside).toBeGreaterThan(50_000);
    expect(tally.outside).toBeGreaterThan(5_000);
    expect(tally.exclusive).toBeGreaterThan(20);
    expect(tally.exclusiveOperator).toBeGreaterThan(5);
  });

  it('gives every route a reason in Chinese and English, step by step', () => {
    const { lng, lat, micro } = ordinaryPoint();
    const route = expectRoute(router.route({ lng, lat, categoryCode: COUNTY_CATEGORY }));
    expect(route.grid).toMatchObject({ id: micro.id, level: 'micro' });
    expect(route.reason.steps.map((step) => step.kind)).toEqual(['location', 'grid', 'category', 'department']);
    for (const step of route.reason.steps) {
      expect(step.zh).toMatch(/\p{Script=Han}/u);
      expect(step.en).toMatch(/^[A-Z→]/);
    }
    expect(route.reason.zh).toBe(
      `微网格 ${micro.name} → ${route.department.name}，因为「占道经营」由城市管理局承办，城市管理局按区县设立，该点属${route.county.name}`,
    );
    expect(route.reason.en).toContain(`micro-grid ${micro.name} → ${route.department.nameEn}, because "`);
    expect(route.deadlineHours).toBe(24);
    expect(route.category).toEqual({ code: COUNTY_CATEGORY, name: '占道经营', nameEn: 'Business Occupying the Road' });
  });

  it('lets an exclusive grid take precedence, and sends a station to the station operator', () => {
    const station = exclusiveNamed('郑州东站专属网格');
    const route = expectRoute(
      router.route({ lng: station.centroid_lon, lat: station.centroid_lat, categoryCode: COUNTY_CATEGORY }),
    );
    expect(route.grid).toEqual({
      id: station.id,
      code: station.code,
      name: station.name,
      level: 'exclusive',
      exclusiveKind: 'station',
    });
    expect(route.basis).toBe('exclusive-grid');
    expect(route.department).toMatchObject({ code: 'station_operator', kind: 'station_operator', unitLevel: 'city' });
    expect(route.reason.zh).toMatch(/^郑州东站专属网格 → 铁路车站运营单位，因为专属网格（车站）/);
    expect(route.reason.en).toMatch(/^exclusive grid 郑州东站专属网格 → Railway Station Operator, because/);
    expect(route.reason.steps.map((step) => step.kind)).toEqual([
      'location',
      'grid',
      'category',
      'exclusive',
      'department',
    ]);
    expect(route.reason.steps[1]!.zh).toMatch(/优先于所在的/);
    expect(route.l1?.id).toBe(station.parent_id);
  });

  it('keeps an exclusive grid without an operator kind, and routes by category from its street', () => {
    const hospital = exclusiveNamed('郑州大学第一附属医院专属网格');
    const route = expectRoute(
      router.route({ lng: hospital.centroid_lon, lat: hospital.centroid_lat, categoryCode: COUNTY_CATEGORY }),
    );
    expect(route.grid).toMatchObject({ id: hospital.id, level: 'exclusive', exclusiveKind: 'hospital' });
    expect(route.basis).toBe('category');
    expect(route.department.code).toBe(`urban_management@${counties.get(hospital.county_id)}`);
    expect(route.reason.steps.find((step) => step.kind === 'exclusive')?.zh).toMatch(
      /没有医院类专属网格的运营管理单位/,
    );
    expect(route.reason.zh).toMatch(/^郑州大学第一附属医院专属网格 → /);
  });

  it('sends street, county and city kinds to the unit of their level', () => {
    const { lng, lat, micro } = ordinaryPoint();
    const county = counties.get(micro.county_id)!;
    const street = l1Of(micro.id);

    const countyRoute = expectRoute(router.route({ lng, lat, categoryCode: COUNTY_CATEGORY }));
    expect(countyRoute.department).toMatchObject({
      code: `urban_management@${county}`,
      kindLevel: 'county',
      unitLevel: 'county',
    });

    const cityRoute = expectRoute(router.route({ lng, lat, categoryCode: CITY_CATEGORY }));
    expect(cityRoute.department).toMatchObject({ code: 'gas_company', kindLevel: 'city', unitLevel: 'city' });
    expect(cityRoute.reason.zh).toContain('燃气公司全市统一设立');
    expect(cityRoute.deadlineHours).toBeLessThanOrEqual(2);

    // The generated city keeps one police station per county: the street's work goes to the county's unit, and the
    // reason says the street has none of its own.
    const viaCounty = expectRoute(router.route({ lng, lat, categoryCode: STREET_CATEGORY }));
    expect(viaCounty.department).toMatchObject({
      code: `public_security@${county}`,
      kindLevel: 'street',
      unitLevel: 'county',
    });
    expect(viaCounty.reason.zh).toContain(`公安派出所按街道设立，数据中${street.name}没有单列`);
    expect(viaCounty.l1).toMatchObject({ id: street.id, level: 'L1' });

    // Once the street has its own station, it gets the ticket.
    store.writer
      .prepare('INSERT INTO departments (code, name, name_en, kind, county_id) VALUES (?, ?, ?, ?, ?)')
      .run(
        `public_security@${street.code}`,
        `${street.name}派出所`,
        `${street.code} Police Station`,
        'public_security',
        micro.county_id,
      );
    router.invalidate();
    const own = expectRoute(router.route({ lng, lat, categoryCode: STREET_CATEGORY }));
    expect(own.department).toMatchObject({
      code: `public_security@${street.code}`,
      kindLevel: 'street',
      unitLevel: 'street',
    });
    expect(own.reason.zh).toContain(`公安派出所按街道设立，该点属${street.name}`);
    // Its county's other streets still go to the county's unit…
    const other = ordinaryPoint((grid) => grid.county_id === micro.county_id && l1Of(grid.id).id !== street.id);
    const otherStreet = l1Of(other.micro.id);
    const request = { lng: other.lng, lat: other.lat, categoryCode: STREET_CATEGORY };
    expect(expectRoute(router.route(request)).department.code).toBe(`public_security@${county}`);
    // …until theirs gets one too: a grids import rebuilds the locator's index, and the router's tables follow it.
    store.writer
      .prepare('INSERT INTO departments (code, name, name_en, kind, county_id) VALUES (?, ?, ?, ?, ?)')
      .run(
        `public_security@${otherStreet.code}`,
        `${otherStreet.name}派出所`,
        'P2',
        'public_security',
        micro.county_id,
      );
    locator.invalidate();
    expect(expectRoute(router.route(request)).department).toMatchObject({
      code: `public_security@${otherStreet.code}`,
      unitLevel: 'street',
    });
  });

  it('offers a manual re-route as a rule; the rule wins, is named, and a finer scope beats a wider one', () => {
    const { lng, lat, micro } = ordinaryPoint(undefined, 3);
    const county = counties.get(micro.county_id)!;
    const target = `street_office@${county}`;

    const proposal = router.proposeRule({
      lng,
      lat,
      categoryCode: COUNTY_CATEGORY,
      departmentCode: target,
      ticketId: 42,
      note: '社区自治范围',
    });
    if (!proposal.ok) throw new Error(proposal.reason.en);
    expect(proposal.route.department.code).toBe(`urban_management@${county}`);
    expect(proposal.department.code).toBe(target);
    expect(proposal.scopes.map((scope) => scope.level)).toEqual(['micro', 'L3', 'L2', 'L1', 'county']);
    expect(proposal.draft).toEqual({
      categoryCode: COUNTY_CATEGORY,
      scope: { kind: 'grid', code: micro.code },
      departmentCode: target,
      note: '社区自治范围',
      fromTicketId: 42,
    });
    expect(proposal.scopes[0]!.zh).toBe(`「占道经营」在微网格 ${micro.name} → ${proposal.department.name}`);

    clock = Date.UTC(2025, 6, 21, 9);
    const rule = router.addRule(proposal.draft, 'duty.officer');
    expect(rule).toMatchObject({ scope: { kind: 'grid', code: micro.code }, createdBy: 'duty.officer', applies: true });
    expect(rule.createdAt).toBe(clock);

    const ruled = expectRoute(router.route({ lng, lat, categoryCode: COUNTY_CATEGORY }));
    expect(ruled.department.code).toBe(target);
    expect(ruled.basis).toBe('rule');
    expect(ruled.ruleId).toBe(rule.id);
    expect(ruled.reason.zh).toContain(`因为规则 #${rule.id}：「占道经营」在微网格 ${micro.name} 派往`);
    expect(ruled.reason.en).toContain(`because rule #${rule.id} sends "Business Occupying the Road" in micro-grid`);
    const ruleStep = ruled.reason.steps.find((step) => step.kind === 'rule')!;
    expect(ruleStep.zh).toContain('duty.officer 于 2025-07-21 设立：社区自治范围');
    expect(ruleStep.zh).toContain(`默认为${proposal.route.department.name}`);
    // Only that category in that grid.
    expect(expectRoute(router.route({ lng, lat, categoryCode: CITY_CATEGORY })).basis).toBe('category');

    // A county-wide rule for the same category: the grid's rule still wins there, the county's elsewhere.
    const countyRule = router.addRule(
      {
        categoryCode: COUNTY_CATEGORY,
        scope: { kind: 'county', code: county },
        departmentCode: `community_committee@${county}`,
      },
      'district.commander',
    );
    expect(expectRoute(router.route({ lng, lat, categoryCode: COUNTY_CATEGORY })).ruleId).toBe(rule.id);
    const other = ordinaryPoint((grid) => grid.county_id === micro.county_id && grid.id !== micro.id);
    const elsewhere = expectRoute(router.route({ lng: other.lng, lat: other.lat, categoryCode: COUNTY_CATEGORY }));
    expect(elsewhere.ruleId).toBe(countyRule.id);
    expect(elsewhere.department.code).toBe(`community_committee@${county}`);
    expect(elsewhere.reason.zh).toContain(`「占道经营」在区县 ${elsewhere.county.name} 派往`);

    // Rules live in the store: a fresh router (or one invalidated by an import) applies them.
    const fresh = new TicketRouter({ store, locator, departmentKinds: kinds });
    expect(expectRoute(fresh.route({ lng, lat, categoryCode: COUNTY_CATEGORY })).ruleId).toBe(rule.id);

    // A newer rule for the same grid replaces the older; retiring it falls back to the county's rule.
    const newer = router.addRule({ ...proposal.draft, departmentCode: `street_office@${county}` }, 'duty.officer');
    expect(router.rules().map((active) => active.id)).toEqual([countyRule.id, newer.id]);
    router.retireRule(newer.id, 'duty.officer');
    expect(expectRoute(router.route({ lng, lat, categoryCode: COUNTY_CATEGORY })).ruleId).toBe(countyRule.id);
    const history = router.rules({ includeRetired: true });
    expect(history.map((entry) => [entry.id, entry.applies, entry.retiredBy])).toEqual([
      [rule.id, false, 'duty.officer'],
      [countyRule.id, true, null],
      [newer.id, false, 'duty.officer'],
    ]);
    expect(history[0]).toMatchObject({ categoryName: '占道经营', scopeName: micro.name, fromTicketId: 42 });
    router.retireRule(countyRule.id, 'district.commander');
    expect(expectRoute(router.route({ lng, lat, categoryCode: COUNTY_CATEGORY })).basis).toBe('category');
  });

  it('refuses proposals and rules that cannot be', () => {
    const { lng, lat, micro } = ordinaryPoint();
    const county = counties.get(micro.county_id)!;
    const same = router.proposeRule({
      lng,
      lat,
      categoryCode: COUNTY_CATEGORY,
      departmentCode: `urban_management@${county}`,
    });
    expect(same).toMatchObject({ ok: false, refusal: 'same-department' });
    const unknown = router.proposeRule({ lng, lat, categoryCode: COUNTY_CATEGORY, departmentCode: 'nobody' });
    expect(unknown).toMatchObject({ ok: false, refusal: 'unknown-department' });
    expect(
      router.proposeRule({ lng: 0, lat: 0, categoryCode: COUNTY_CATEGORY, departmentCode: 'gas_company' }),
    ).toMatchObject({ ok: false, refusal: 'outside-city' });

    const draft = {
      categoryCode: COUNTY_CATEGORY,
      scope: { kind: 'grid' as const, code: micro.code },
      departmentCode: 'gas_company',
    };
    const problem = (call: () => unknown): string | undefined => {
      try {
        call();
      } catch (error) {
        if (error instanceof RoutingRuleError) return `${error.code}/${error.problem}`;
        throw error;
      }
      return undefined;
    };
    expect(problem(() => router.addRule({ ...draft, scope: { kind: 'grid', code: 'nowhere' } }, 'op'))).toBe(
      'refused/unknown-scope',
    );
    expect(problem(() => router.addRule({ ...draft, scope: { kind: 'county', code: micro.code } }, 'op'))).toBe(
      'refused/unknown-scope',
    );
    expect(problem(() => router.addRule({ ...draft, categoryCode: '01' }, 'op'))).toBe('refused/not-a-leaf');
    expect(problem(() => router.addRule({ ...draft, categoryCode: '999999' }, 'op'))).toBe('refused/unknown-category');
    expect(problem(() => router.addRule({ ...draft, departmentCode: 'nobody' }, 'op'))).toBe(
      'refused/unknown-department',
    );
    expect(problem(() => router.addRule({ ...draft, note: 'x'.repeat(501) }, 'op'))).toBe('refused/bad-note');
    expect(problem(() => router.addRule(draft, ' '))).toBe('refused/no-operator');
    expect(problem(() => router.retireRule(99_999, 'op'))).toBe('refused/unknown-rule');
  });

  it('refuses points outside the city and unknown or group categories', () => {
    const { lng, lat } = ordinaryPoint();
    for (const [x, y] of [
      [0, 0],
      [113.0, 30.0],
      [Number.NaN, lat],
      [lng, Number.POSITIVE_INFINITY],
    ] as const) {
      const result = router.route({ lng: x, lat: y, categoryCode: COUNTY_CATEGORY });
      expect(result).toMatchObject({ ok: false, refusal: 'outside-city' });
    }
    expect(router.route({ lng, lat, categoryCode: '999999' })).toMatchObject({
      ok: false,
      refusal: 'unknown-category',
    });
    expect(router.route({ lng, lat, categoryCode: '01' })).toMatchObject({ ok: false, refusal: 'not-a-leaf' });
    const refusal = router.route({ lng: 0, lat: 0, categoryCode: COUNTY_CATEGORY });
    if (refusal.ok) throw new Error('expected a refusal');
    expect(refusal.reason.zh).toMatch(/不在任何网格内/);
    expect(refusal.reason.en).toMatch(/lies in no grid/);
  });

  it('routes in microseconds once warm (printed, not asserted)', () => {
    const points = Array.from({ length: 2_000 }, (_, k) => {
      const grid = grids.get(1 + (k % grids.size))!;
      return {
        lng: grid.centroid_lon,
        lat: grid.centroid_lat,
        categoryCode: k % 2 ? COUNTY_CATEGORY : STREET_CATEGORY,
      };
    });
    for (const point of points) router.route(point);
    const rounds = 50;
    const started = process.hrtime.bigint();
    let routed = 0;
    for (let round = 0; round < rounds; round++) {
      for (const point of points) if (router.route(point).ok) routed++;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const routes = rounds * points.length;
    // One by one, for the tail (the clock's own cost, tens of nanoseconds, is included).
    const each = points.map((point) => {
      const start = process.hrtime.bigint();
      router.route(point);
      return Number(process.hrtime.bigint() - start) / 1e3;
    });
    each.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        bench: 'ticket-router.route',
        scale: 'small',
        routes,
        routesPerSecond: Math.round(routes / seconds),
        microsecondsPerRoute: Number(((seconds / routes) * 1e6).toFixed(2)),
        p99Microseconds: Number(each[Math.floor(each.length * 0.99)]!.toFixed(2)),
      }),
    );
    expect(routed).toBeGreaterThan(routes * 0.95);
  });
});
