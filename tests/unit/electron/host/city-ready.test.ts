import { describe, expect, it } from 'vitest';
import { announceCityReady, CITY_READY_PREFIX } from '../../../../electron/host/city-ready';

describe('city-ready line', () => {
  it('says once that the city is complete, with the data directory', async () => {
    const lines: string[] = [];
    await announceCityReady({ cityReady: Promise.resolve(true) }, '/data/gridline', (line) => lines.push(line));
    expect(lines).toEqual([`${CITY_READY_PREFIX} /data/gridline\n`]);
  });

  it('says nothing when the generation failed or was stopped', async () => {
    const lines: string[] = [];
    await announceCityReady({ cityReady: Promise.resolve(false) }, '/data/gridline', (line) => lines.push(line));
    expect(lines).toEqual([]);
  });
});
