/**
 * Zhengzhou's 16 county-level units: 6 central districts, Zhongmu county, 5 county-level cities and 4 functional
 * zones. Names and seats are real (seats approximate, WGS-84); the boundaries the generator draws between them are
 * synthetic (weighted Voronoi cells of the seats inside the real outline), and the data note says so. District and
 * county codes are the official administrative division codes; the functional zones have none, so theirs (4101 9x) are
 * Gridline's own.
 */
export type CountyKind = 'district' | 'county' | 'city' | 'zone';

export interface CountySpec {
  code: string;
  name: string;
  nameEn: string;
  kind: CountyKind;
  seat: readonly [number, number];
  /** Relative population, which sets its share of street grids and the size of its density bump. */
  population: number;
  /** Street-level units are towns (镇) and townships (乡) rather than sub-districts (街道) in mostly rural units. */
  rural: boolean;
}

export const COUNTY_SPECS: readonly CountySpec[] = [
  {
    code: '410102',
    name: '中原区',
    nameEn: 'Zhongyuan District',
    kind: 'district',
    seat: [113.613, 34.748],
    population: 1.08,
    rural: false,
  },
  {
    code: '410103',
    name: '二七区',
    nameEn: 'Erqi District',
    kind: 'district',
    seat: [113.64, 34.724],
    population: 0.92,
    rural: false,
  },
  {
    code: '410104',
    name: '管城回族区',
    nameEn: 'Guancheng Hui District',
    kind: 'district',
    seat: [113.677, 34.754],
    population: 0.78,
    rural: false,
  },
  {
    code: '410105',
    name: '金水区',
    nameEn: 'Jinshui District',
    kind: 'district',
    seat: [113.66, 34.8],
    population: 1.62,
    rural: false,
  },
  {
    code: '410106',
    name: '上街区',
    nameEn: 'Shangjie District',
    kind: 'district',
    seat: [113.309, 34.802],
    population: 0.15,
    rural: false,
  },
  {
    code: '410108',
    name: '惠济区',
    nameEn: 'Huiji District',
    kind: 'district',
    seat: [113.617, 34.867],
    population: 0.42,
    rural: false,
  },
  {
    code: '410122',
    name: '中牟县',
    nameEn: 'Zhongmu County',
    kind: 'county',
    seat: [113.976, 34.719],
    population: 0.72,
    rural: true,
  },
  {
    code: '410181',
    name: '巩义市',
    nameEn: 'Gongyi',
    kind: 'city',
    seat: [113.022, 34.748],
    population: 0.83,
    rural: true,
  },
  {
    code: '410182',
    name: '荥阳市',
    nameEn: 'Xingyang',
    kind: 'city',
    seat: [113.383, 34.787],
    population: 0.7,
    rural: true,
  },
  {
    code: '410183',
    name: '新密市',
    nameEn: 'Xinmi',
    kind: 'city',
    seat: [113.391, 34.54],
    population: 0.8,
    rural: true,
  },
  {
    code: '410184',
    name: '新郑市',
    nameEn: 'Xinzheng',
    kind: 'city',
    seat: [113.74, 34.396],
    population: 0.76,
    rural: true,
  },
  {
    code: '410185',
    name: '登封市',
    nameEn: 'Dengfeng',
    kind: 'city',
    seat: [113.05, 34.454],
    population: 0.72,
    rural: true,
  },
  {
    code: '410190',
    name: '郑东新区',
    nameEn: 'Zhengdong New Area',
    kind: 'zone',
    seat: [113.745, 34.768],
    population: 1.25,
    rural: false,
  },
  {
    code: '410191',
    name: '郑州经济技术开发区',
    nameEn: 'Economic and Technological Development Zone',
    kind: 'zone',
    seat: [113.74, 34.7],
    population: 0.6,
    rural: false,
  },
  {
    code: '410192',
    name: '郑州高新技术产业开发区',
    nameEn: 'High-tech Industrial Development Zone',
    kind: 'zone',
    seat: [113.56, 34.81],
    population: 0.55,
    rural: false,
  },
  {
    code: '410193',
    name: '郑州航空港经济综合实验区',
    nameEn: 'Airport Economy Zone',
    kind: 'zone',
    seat: [113.84, 34.53],
    population: 0.8,
    rural: false,
  },
];
