import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CityService } from '../../../../../electron/services/city/city-service';
import { cityOutlineSchema } from '../../../../../shared/contract';

const resourcesDir = join(import.meta.dirname, '..', '..', '..', '..', '..', 'resources');

describe('city service', () => {
  const outline = new CityService(resourcesDir).getOutline();

  it('serves a contract-valid WGS-84 outline of Zhengzhou', () => {
    expect(cityOutlineSchema.safeParse(outline).success).toBe(true);
    expect(outline.name).toBe('郑州市');
    expect(outline.crs).toBe('WGS-84');
  });

  it('measures the outline near 7,520 km², about 3% under the official 7,755 km²', () => {
    expect(outline.areaKm2).toBeGreaterThan(7480);
    expect(outline.areaKm2).toBeLessThan(7560);
    const gap = (outline.officialAreaKm2 - outline.areaKm2) / outline.officialAreaKm2;
    expect(gap).toBeGreaterThan(0.02);
    expect(gap).toBeLessThan(0.04);
  });

  it('lies around the city centre (113.65E 34.76N)', () => {
    const [west, south, east, north] = outline.bbox;
    expect(west).toBeLessThan(113.65);
    expect(east).toBeGreaterThan(113.65);
    expect(south).toBeLessThan(34.76);
    expect(north).toBeGreaterThan(34.76);
    expect(east - west).toBeGreaterThan(1);
    expect(east - west).toBeLessThan(2);
  });
});
