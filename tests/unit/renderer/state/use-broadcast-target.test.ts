import { describe, expect, it } from 'vitest';
import { FIRST_RADIUS_M, pickedFromCard, radiusAfterClick } from '../../../../renderer/state/use-broadcast-target';
import type { GridCard } from '../../../../shared/contract';

const card = (level: 'L1' | 'L2', parents: GridCard['parents']): GridCard => ({
  grid: {
    id: 40,
    code: '410102001002',
    name: '汝河新村社区',
    level,
    exclusiveKind: null,
    households: 900,
    areaKm2: 0.8,
    centroid: [113.7, 34.76],
  },
  parents,
  county: '中原区',
  workersOnDuty: 3,
  workers: 9,
  openTickets: 0,
  overdueTickets: 0,
  cameras: 0,
  sensors: 0,
});

describe('a grid picked on the map', () => {
  it.each([
    {
      title: 'a community is told apart by its street',
      card: card('L2', [{ id: 1, code: '410102001', name: '未来路街道', level: 'L1' }]),
      parent: '未来路街道',
    },
    { title: 'a street by its county', card: card('L1', []), parent: '中原区' },
  ])('$title', ({ card: from, parent }) => {
    expect(pickedFromCard(from)).toEqual({ id: 40, code: '410102001002', name: '汝河新村社区', parent });
  });
});

describe('a radius drawn with clicks', () => {
  it('centres the circle on the first click', () => {
    expect(radiusAfterClick(undefined, 113.6, 34.7)).toEqual({ center: [113.6, 34.7], meters: FIRST_RADIUS_M });
  });

  it('sizes it with the second: the distance to the centre, in metres', () => {
    const sized = radiusAfterClick({ center: [113.6, 34.7], meters: FIRST_RADIUS_M }, 113.6, 34.71)!;
    expect(sized.center).toEqual([113.6, 34.7]);
    expect(sized.meters).toBeCloseTo(1113, -1);
  });

  it.each([
    { title: 'a second click on the centre gives the smallest circle', lat: 34.7, meters: 50 },
    { title: 'one far away the largest', lat: 36, meters: 100_000 },
  ])('$title', ({ lat, meters }) => {
    expect(radiusAfterClick({ center: [113.6, 34.7], meters: FIRST_RADIUS_M }, 113.6, lat)!.meters).toBe(meters);
  });

  it('starts a new circle after a sized one', () => {
    expect(radiusAfterClick({ center: [113.6, 34.7], meters: 1200 }, 113.8, 34.8)).toEqual({
      center: [113.8, 34.8],
      meters: FIRST_RADIUS_M,
    });
  });
});
