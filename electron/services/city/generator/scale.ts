/**
 * How much city to generate. Full is Zhengzhou's published counts (DOMAIN.md); medium (about 1/10) and small (about
 * 1/100) are for tests and demonstrations on slow machines.
 */
export const CITY_SCALES = ['full', 'medium', 'small'] as const;
export type CityScale = (typeof CITY_SCALES)[number];

export interface CityCounts {
  l1: number;
  l2: number;
  l3: number;
  /** L3 grids of urban type; micro-grids lie only inside these. */
  urbanL3: number;
  micro: number;
  exclusive: number;
  workers: number;
  cameras: number;
  sensors: number;
  tickets: number;
  households: number;
}

export const CITY_COUNTS: Record<CityScale, CityCounts> = {
  full: {
    l1: 215,
    l2: 3530,
    l3: 19582,
    urbanL3: 7876,
    micro: 47188,
    exclusive: 4835,
    workers: 221000,
    cameras: 130000,
    sensors: 219300,
    tickets: 7_200_000,
    // 13.008 million residents at about 2.7 people per household.
    households: 4_817_800,
  },
  medium: {
    l1: 64,
    l2: 353,
    l3: 1958,
    urbanL3: 788,
    micro: 4719,
    exclusive: 484,
    workers: 22100,
    cameras: 13000,
    sensors: 21930,
    tickets: 720_000,
    households: 481_780,
  },
  small: {
    l1: 32,
    l2: 96,
    l3: 400,
    urbanL3: 160,
    micro: 480,
    exclusive: 48,
    workers: 2210,
    cameras: 1300,
    sensors: 2193,
    tickets: 72_000,
    households: 48_178,
  },
};

/** The history the default city's tickets cover: 30 months ending on the last day of October 2026 (UTC+8). */
export const TICKET_HISTORY = {
  start: Date.UTC(2024, 4, 1) / 1000 - 8 * 3600,
  end: Date.UTC(2026, 10, 1) / 1000 - 8 * 3600,
} as const;
