/**
 * The whole authority matrix: every role × every permission × inside and outside its scope, in live operation and in
 * training mode, against a grant table written out here by hand (not read from the implementation), plus what the
 * contract declares and the two-person rule.
 */
import { describe, expect, it } from 'vitest';
import { invokeContract } from '../../../../shared/contract/contract';
import {
  decide,
  needsSecondOperator,
  PERMISSIONS,
  type ActionArea,
  type Permission,
} from '../../../../shared/domain/authority';
import { OPERATOR_ROLES, type OperatorRole, type OperatorScope } from '../../../../shared/domain/operator-roles';

// prettier-ignore
const COLUMNS: Permission[] = [
  'console.view', 'broadcast.send', 'mode.switch', 'tickets.dispatch', 'tickets.close', 'alarms.acknowledge',
  'workers.readPersonal', 'data.import', 'users.manage', 'audit.read', 'audit.export', 'training.run',
];
/** Y: granted in live operation; T: granted to a trainer in training mode only. */
// prettier-ignore
const GRANTS: Record<OperatorRole, string> = {
  //                    view send mode disp clos alrm pers impt user audR audE trng
  city_commander:      'Y    Y    Y    Y    Y    Y    Y    -    -    Y    -    -',
  district_commander:  'Y    Y    Y    Y    Y    Y    Y    -    -    -    -    -',
  street_duty_officer: 'Y    Y    -    Y    Y    Y    Y    -    -    -    -    -',
  trainer:             'Y    T    T    T    T    T    T    -    -    -    -    Y',
  viewer:              'Y    -    -    -    -    -    -    -    -    -    -    -',
  administrator:       'Y    -    -    -    -    -    -    Y    Y    Y    Y    -',
};
const ACTS_ON_A_PLACE = new Set<Permission>([
  'broadcast.send',
  'mode.switch',
  'tickets.dispatch',
  'tickets.close',
  'alarms.acknowledge',
  'workers.readPersonal',
]);

const grant = (role: OperatorRole, permission: Permission): string =>
  GRANTS[role].split(/\s+/)[COLUMNS.indexOf(permission)]!;

/** Two counties, C1 with streets S1 and S2, C2 with S3. */
const place = (county: string, l1: string | null) => ({ county, l1 });
const CITY: ActionArea = { cityWide: true };
const areas = (...places: { county: string; l1: string | null }[]): ActionArea => ({ cityWide: false, places });

/** Each scope with areas inside it and outside it. */
const SCOPES: { scope: OperatorScope; inside: ActionArea[]; outside: ActionArea[] }[] = [
  { scope: { kind: 'city' }, inside: [CITY, areas(place('C1', 'S1')), areas(place('C2', null))], outside: [] },
  {
    scope: { kind: 'county', code: 'C1' },
    inside: [areas(place('C1', null)), areas(place('C1', 'S1'), place('C1', 'S2'))],
    outside: [CITY, areas(place('C2', 'S3')), areas(place('C1', 'S1'), place('C2', 'S3')), areas()],
  },
  {
    scope: { kind: 'l1', code: 'S1' },
    inside: [areas(place('C1', 'S1')), areas(place('C1', 'S1'), place('C1', 'S1'))],
    outside: [CITY, areas(place('C1', 'S2')), areas(place('C1', null)), areas(place('C1', 'S1'), place('C2', 'S3'))],
  },
];
const ROLE_SCOPES: Record<OperatorRole, OperatorScope['kind'][]> = {
  city_commander: ['city'],
  district_commander: ['county'],
  street_duty_officer: ['l1'],
  trainer: ['city'],
  viewer: ['city', 'county', 'l1'],
  administrator: ['city'],
};

describe('authority', () => {
  it('the table covers every role and permission there is', () => {
    expect([...COLUMNS].sort()).toEqual([...PERMISSIONS].sort());
    expect(Object.keys(GRANTS).sort()).toEqual([...OPERATOR_ROLES].sort());
  });

  it('answers every role × permission × inside/outside scope × live/training as the table says', () => {
    let checked = 0;
    for (const role of OPERATOR_ROLES) {
      for (const { scope, inside, outside } of SCOPES.filter(({ scope }) => ROLE_SCOPES[role].includes(scope.kind))) {
        for (const permission of PERMISSIONS) {
          for (const training of [false, true]) {
            const mark = grant(role, permission);
            const held = mark === 'Y' || (mark === 'T' && training);
            for (const [area, isInside] of [
              ...inside.map((a) => [a, true] as const),
              ...outside.map((a) => [a, false] as const),
            ]) {
              const decision = decide({ role, scope }, { permission, area, training });
              const expected = held && (!ACTS_ON_A_PLACE.has(permission) || isInside);
              const label = `${role} (${JSON.stringify(scope)}) ${permission} ${training ? 'training' : 'live'} ${JSON.stringify(area)}`;
              expect(decision.allowed, label).toBe(expected);
              if (!decision.allowed) {
                expect(decision.reason, label).toBe(held ? 'scope' : 'role');
                expect(decision.message.length, label).toBeGreaterThan(10);
              }
              checked++;
            }
          }
        }
      }
    }
    // 6 roles (the viewer in 3 scopes) × 12 permissions × live/training × every inside and outside area.
    expect(checked).toBe(864);
  });

  it('refuses a territorial permission asked without its area, and says so', () => {
    const decision = decide({ role: 'city_commander', scope: { kind: 'city' } }, { permission: 'broadcast.send' });
    expect(decision).toMatchObject({ allowed: false, reason: 'no-area' });
    expect(decide({ role: 'viewer', scope: { kind: 'city' } }, { permission: 'console.view' }).allowed).toBe(true);
  });

  it('tells a trainer why a command is refused outside training', () => {
    const decision = decide({ role: 'trainer', scope: { kind: 'city' } }, { permission: 'mode.switch', area: CITY });
    expect(decision).toMatchObject({ allowed: false, reason: 'role' });
    expect(decision.allowed || decision.message).toContain('outside training mode');
  });

  it('two-person rule: city-wide broadcasts and emergency levels I and II, when enabled', () => {
    const on = { enabled: true };
    expect(needsSecondOperator({ permission: 'broadcast.send', area: CITY }, on)).toBe(true);
    expect(needsSecondOperator({ permission: 'broadcast.send', area: areas(place('C1', null)) }, on)).toBe(false);
    expect([1, 2, 3, 4].map((level) => needsSecondOperator({ permission: 'mode.switch', level } as never, on))).toEqual(
      [true, true, false, false],
    );
    expect(needsSecondOperator({ permission: 'broadcast.send', area: CITY }, { enabled: false })).toBe(false);
  });
});

describe('the contract declares what each call needs', () => {
  it('every entry names a known permission; what changes the city or commands workers is not view-only', () => {
    for (const [name, entry] of Object.entries(invokeContract)) {
      expect([...PERMISSIONS, 'public'], name).toContain(entry.permission);
    }
    expect(invokeContract['broadcast.send'].permission).toBe('broadcast.send');
    expect(invokeContract['broadcast.resend'].permission).toBe('broadcast.send');
    expect(invokeContract['city.importFile'].permission).toBe('data.import');
    expect(invokeContract['workers.getPersonal'].permission).toBe('workers.readPersonal');
  });

  it('only signing in and what the sign-in screen shows are public', () => {
    const open = Object.entries(invokeContract)
      .filter(([, entry]) => entry.permission === 'public')
      .map(([name]) => name)
      .sort();
    expect(open).toEqual([
      'app.getInfo',
      'session.get',
      'session.lock',
      'session.resume',
      'session.setup',
      'session.signIn',
      'session.signOut',
      'session.unlock',
      'settings.get',
    ]);
  });
});
