/** Three-cross (三跨) cases: which combinations of units and place cross a district, a department or a level. */
import { describe, expect, it } from 'vitest';
import { crossBoundaries, type TicketUnit } from '../../../../../shared/domain/tickets/cross-boundaries';

const unit = (department: string, kind: string, level: TicketUnit['level'], county: string | null): TicketUnit => ({
  department,
  kind,
  level,
  county,
});

/** Jinshui (410105) and Erqi (410103) districts. */
const urbanJinshui = unit('410105-urban', 'urban_management', 'county', '410105');
const urbanErqi = unit('410103-urban', 'urban_management', 'county', '410103');
const policeA = unit('410105001-police', 'public_security', 'street', '410105');
const policeB = unit('410105002-police', 'public_security', 'street', '410105');
const policeErqi = unit('410103001-police', 'public_security', 'street', '410103');
const housingJinshui = unit('410105-housing', 'housing_construction', 'county', '410105');
const gasCity = unit('city-gas', 'gas', 'city', null);

const flags = (units: TicketUnit[], county?: string) => {
  const { crossDistrict, crossDepartment, crossLevel, joint } = crossBoundaries(
    units,
    county === undefined ? undefined : { county },
  );
  return { crossDistrict, crossDepartment, crossLevel, joint };
};
const NONE = { crossDistrict: false, crossDepartment: false, crossLevel: false, joint: false };

describe('crossBoundaries', () => {
  it('one unit in its own district crosses nothing; nor does an empty ticket', () => {
    expect(flags([urbanJinshui], '410105')).toEqual(NONE);
    expect(flags([urbanJinshui])).toEqual(NONE);
    expect(flags([])).toEqual(NONE);
    expect(flags([], '410105')).toEqual(NONE);
  });

  it('two units of one kind, level and district are not a three-cross case (two police stations of one district)', () => {
    expect(flags([policeA, policeB], '410105')).toEqual(NONE);
  });

  it('cross-district: units of two districts, or one unit handling a ticket in another district', () => {
    expect(flags([urbanJinshui, urbanErqi])).toEqual({ ...NONE, crossDistrict: true, joint: true });
    expect(flags([policeA, policeErqi], '410105')).toEqual({ ...NONE, crossDistrict: true, joint: true });
    expect(flags([urbanErqi], '410105')).toEqual({ ...NONE, crossDistrict: true, joint: true });
  });

  it('cross-department: two kinds of department at one level in one district', () => {
    expect(flags([urbanJinshui, housingJinshui], '410105')).toEqual({ ...NONE, crossDepartment: true, joint: true });
  });

  it('cross-level: a street unit with a county unit, or a city unit (which belongs to no district)', () => {
    expect(flags([policeA, urbanJinshui], '410105')).toEqual({
      ...NONE,
      crossDepartment: true,
      crossLevel: true,
      joint: true,
    });
    expect(flags([gasCity, urbanJinshui], '410105')).toEqual({
      ...NONE,
      crossDepartment: true,
      crossLevel: true,
      joint: true,
    });
  });

  it('all three at once, with the reason naming each, Chinese first', () => {
    const cross = crossBoundaries([urbanJinshui, policeErqi, gasCity], { county: '410105' });
    expect(cross).toMatchObject({ crossDistrict: true, crossDepartment: true, crossLevel: true, joint: true });
    expect(cross.counties).toEqual(['410105', '410103']);
    expect(cross.kinds).toEqual(['urban_management', 'public_security', 'gas']);
    expect(cross.levels).toEqual(['city', 'county', 'street']);
    expect(cross.reason).toBe(
      '跨区县（410105、410103），跨部门（urban_management、public_security、gas），跨层级（市级、区县级、街道级）：' +
        '三跨事项，须各方联合办理。 Crosses districts (410105, 410103), departments (urban_management, public_security,' +
        ' gas), levels (city, county, street): a three-cross case for joint handling by every party.',
    );
  });

  it('says so when nothing is crossed', () => {
    expect(crossBoundaries([policeA], { county: '410105' }).reason).toBe(
      '未跨区县、部门或层级。 Crosses no district, department or level.',
    );
  });
});
