/**
 * Normal operation and China's four emergency response levels (国家突发事件应急响应分级): IV 一般 (blue), III 较大
 * (yellow), II 重大 (orange), I 特别重大 (red). Level I is the most severe; a switch to I or II needs a second operator.
 */
export const EMERGENCY_LEVELS = ['IV', 'III', 'II', 'I'] as const;
export type EmergencyLevel = (typeof EMERGENCY_LEVELS)[number];

export const LEVEL_INFO: Readonly<
  Record<
    EmergencyLevel,
    { rank: 1 | 2 | 3 | 4; colour: string; zh: string; en: string; colourName: { zh: string; en: string } }
  >
> = {
  IV: {
    rank: 4,
    colour: '#2f6fde',
    zh: 'Ⅳ级（一般）',
    en: 'Level IV (general)',
    colourName: { zh: '蓝色', en: 'blue' },
  },
  III: {
    rank: 3,
    colour: '#f2c230',
    zh: 'Ⅲ级（较大）',
    en: 'Level III (major)',
    colourName: { zh: '黄色', en: 'yellow' },
  },
  II: {
    rank: 2,
    colour: '#f07c1e',
    zh: 'Ⅱ级（重大）',
    en: 'Level II (serious)',
    colourName: { zh: '橙色', en: 'orange' },
  },
  I: {
    rank: 1,
    colour: '#d92b2b',
    zh: 'Ⅰ级（特别重大）',
    en: 'Level I (extremely serious)',
    colourName: { zh: '红色', en: 'red' },
  },
};

/** Whether `a` is more severe than `b`. */
export const moreSevere = (a: EmergencyLevel, b: EmergencyLevel): boolean => LEVEL_INFO[a].rank < LEVEL_INFO[b].rank;
