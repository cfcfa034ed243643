import { describe, expect, it } from 'vitest';
import {
  DuplicateFinder,
  metresBetween,
  type OpenCase,
} from '../../../../../../electron/services/tickets/live/duplicate-finder';

/** A point `north` and `east` metres from (113.65, 34.76), near Zhengzhou's centre. */
const at = (east: number, north: number): { lng: number; lat: number } => ({
  lng: 113.65 + east / (111_320 * Math.cos((34.76 * Math.PI) / 180)),
  lat: 34.76 + north / 111_320,
});

const open = (id: number, east: number, north: number, categoryId = 7, reportedAt = 1_000_000): OpenCase => ({
  id,
  ...at(east, north),
  categoryId,
  reportedAt,
});

describe('duplicate finder (merge rules)', () => {
  it('measures metres between nearby points', () => {
    const a = at(0, 0);
    const b = at(30, 40);
    expect(metresBetween(a.lng, a.lat, b.lng, b.lat)).toBeCloseTo(50, 0);
  });

  it('matches the same category within 50 m and the time window, nearest first', () => {
    const finder = new DuplicateFinder();
    finder.add(open(1, 40, 0));
    finder.add(open(2, 10, 10));
    finder.add(open(3, 0, 49));
    const matches = finder.matches(open(99, 0, 0));
    expect(matches.map((match) => match.id)).toEqual([2, 1, 3]);
    expect(matches[0]!.distanceM).toBeCloseTo(Math.hypot(10, 10), 0);
  });

  it('does not match past the radius, another category, or outside the window', () => {
    const finder = new DuplicateFinder();
    finder.add(open(1, 51, 0)); // too far
    finder.add(open(2, 5, 0, 8)); // another category
    finder.add(open(3, 5, 0, 7, 1_000_000 - 24 * 3600 - 1)); // a day and a second earlier
    finder.add(open(4, 0, 5, 7, 1_000_000 - 24 * 3600)); // exactly a day earlier: inside
    expect(finder.matches(open(99, 0, 0)).map((match) => match.id)).toEqual([4]);
  });

  it('finds matches across cell boundaries in every direction', () => {
    const finder = new DuplicateFinder();
    const angles = Array.from({ length: 16 }, (_, i) => (i * Math.PI) / 8);
    angles.forEach((angle, i) => finder.add(open(i + 1, 45 * Math.cos(angle), 45 * Math.sin(angle))));
    // Reports all over a few hundred metres: each sees exactly the cases within 50 m of it.
    for (let east = -120; east <= 120; east += 17) {
      for (let north = -120; north <= 120; north += 19) {
        const report = open(999, east, north);
        const expected = angles
          .map((angle, i) => ({ id: i + 1, d: Math.hypot(45 * Math.cos(angle) - east, 45 * Math.sin(angle) - north) }))
          .filter((entry) => entry.d <= 49.5)
          .map((entry) => entry.id)
          .sort((a, b) => a - b);
        const found = finder
          .matches(report, 100)
          .filter((match) => match.distanceM <= 49.5)
          .map((match) => match.id)
          .sort((a, b) => a - b);
        expect(found).toEqual(expected);
      }
    }
  });

  it('forgets cases that closed or were merged, and never matches a report with itself', () => {
    const finder = new DuplicateFinder();
    finder.add(open(1, 5, 5));
    finder.add(open(2, 6, 6));
    finder.remove(1);
    expect(finder.matches(open(2, 6, 6)).map((match) => match.id)).toEqual([]);
    expect(finder.size).toBe(1);
  });

  it('takes a configured radius and window', () => {
    const finder = new DuplicateFinder({ radiusM: 200, windowS: 3600 });
    finder.add(open(1, 150, 0, 7, 1_000_000));
    finder.add(open(2, 10, 0, 7, 1_000_000 - 3601));
    expect(finder.matches(open(99, 0, 0)).map((match) => match.id)).toEqual([1]);
    expect(() => new DuplicateFinder({ radiusM: 0, windowS: 10 })).toThrow(RangeError);
  });
});
