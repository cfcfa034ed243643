/** Facts about Zhengzhou that the console shows next to its own data (source: shared/design/DOMAIN.md). */
export const ZHENGZHOU = {
  name: '郑州市',
  nameEn: 'Zhengzhou',
  /** 全市域 official area. */
  officialAreaKm2: 7755.1,
  /** City centre used for density models and the initial view. */
  centre: [113.65, 34.76] as const,
  timeZone: 'Asia/Shanghai',
} as const;
