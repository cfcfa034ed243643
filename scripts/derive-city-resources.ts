/**
 * Derives the city resources Gridline ships from the npm package echarts@4.9.0 (Apache-2.0), installed under the
 * alias `echarts-4-maps` (echarts 5 and later no longer ship the map files; the console's own charts use echarts 6):
 * `map/json/province/henan.json` is decoded, converted from GCJ-02 to WGS-84 (the project's canonical datum) and
 * written to resources/city/. Run `npm run derive:city` after changing the derivation; a unit test checks that the
 * committed files equal a fresh derivation, so the resources can never drift from their stated source.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { decodeEchartsMap, type DecodedRegion, type EchartsMapFile } from '../shared/geo/echarts-map-decoder';
import { gcj02ToWgs84 } from '../shared/geo/gcj02';
import type { LngLat, PolygonRings } from '../shared/geo/types';

export const ECHARTS_SOURCE = 'echarts@4.9.0 map/json/province/henan.json (Apache-2.0)';
export const OUTLINE_PATH = fileURLToPath(new URL('../resources/city/zhengzhou-outline.geojson', import.meta.url));
export const PREFECTURES_PATH = fileURLToPath(new URL('../resources/city/henan-prefectures.geojson', import.meta.url));

/** English names of Henan's prefecture-level units, as their governments spell them. */
const PREFECTURE_NAMES_EN: Record<string, string> = {
  郑州市: 'Zhengzhou',
  开封市: 'Kaifeng',
  洛阳市: 'Luoyang',
  平顶山市: 'Pingdingshan',
  安阳市: 'Anyang',
  鹤壁市: 'Hebi',
  新乡市: 'Xinxiang',
  焦作市: 'Jiaozuo',
  濮阳市: 'Puyang',
  许昌市: 'Xuchang',
  漯河市: 'Luohe',
  三门峡市: 'Sanmenxia',
  南阳市: 'Nanyang',
  商丘市: 'Shangqiu',
  信阳市: 'Xinyang',
  周口市: 'Zhoukou',
  驻马店市: 'Zhumadian',
  济源市: 'Jiyuan',
};

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

function toWgs84(polygons: PolygonRings[], decimals: number): LngLat[][][] {
  return polygons.map((polygon) =>
    polygon.map((ring) =>
      ring.map((point) => {
        const [lng, lat] = gcj02ToWgs84(point);
        return [round(lng, decimals), round(lat, decimals)] as const;
      }),
    ),
  );
}

function feature(region: DecodedRegion, decimals: number): object {
  const polygons = toWgs84(region.polygons, decimals);
  return {
    type: 'Feature',
    properties: { name: region.name, nameEn: PREFECTURE_NAMES_EN[region.name] ?? region.name },
    geometry:
      polygons.length === 1
        ? { type: 'Polygon', coordinates: polygons[0] }
        : { type: 'MultiPolygon', coordinates: polygons },
  };
}

/** Both resource files as the text they are committed with. */
export function deriveCityResources(): { outline: string; prefectures: string } {
  const require = createRequire(import.meta.url);
  const file = JSON.parse(
    readFileSync(require.resolve('echarts-4-maps/map/json/province/henan.json'), 'utf8'),
  ) as EchartsMapFile;
  const regions = decodeEchartsMap(file);
  const zhengzhou = regions.find((region) => region.name === '郑州市');
  if (!zhengzhou) throw new Error('郑州市 is missing from the echarts Henan map');
  const meta = { crs: 'WGS-84', convertedFrom: 'GCJ-02', source: ECHARTS_SOURCE };
  const outline = { type: 'FeatureCollection', ...meta, features: [feature(zhengzhou, 6)] };
  // The neighbours are basemap context only: 5 decimals (about 1 m) keeps the file small.
  const prefectures = { type: 'FeatureCollection', ...meta, features: regions.map((region) => feature(region, 5)) };
  return { outline: `${JSON.stringify(outline)}\n`, prefectures: `${JSON.stringify(prefectures)}\n` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { outline, prefectures } = deriveCityResources();
  writeFileSync(OUTLINE_PATH, outline);
  writeFileSync(PREFECTURES_PATH, prefectures);
  console.log(JSON.stringify({ outlineBytes: outline.length, prefecturesBytes: prefectures.length }));
}
