import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveCityResources, OUTLINE_PATH, PREFECTURES_PATH } from '../../../scripts/derive-city-resources';

describe('city resources', () => {
  it('equal a fresh derivation from the echarts@4.9.0 npm package', () => {
    const derived = deriveCityResources();
    expect(readFileSync(OUTLINE_PATH, 'utf8')).toBe(derived.outline);
    expect(readFileSync(PREFECTURES_PATH, 'utf8')).toBe(derived.prefectures);
  });

  it('hold Zhengzhou in WGS-84 with the source named, and all 18 prefecture-level units of Henan', () => {
    const outline = JSON.parse(readFileSync(OUTLINE_PATH, 'utf8')) as {
      crs: string;
      source: string;
      features: unknown[];
    };
    expect(outline.crs).toBe('WGS-84');
    expect(outline.source).toContain('echarts@4.9.0');
    expect(outline.features).toHaveLength(1);
    const prefectures = JSON.parse(readFileSync(PREFECTURES_PATH, 'utf8')) as { features: unknown[] };
    expect(prefectures.features).toHaveLength(18);
  });
});
