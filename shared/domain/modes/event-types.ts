/** The kinds of emergency a mode is switched for (DOMAIN.md: natural disasters, accidents, public health, security). */
export const EMERGENCY_EVENT_TYPES = [
  'rainstorm_flood',
  'cold_wave',
  'earthquake',
  'gas_leak',
  'fire',
  'public_health',
  'major_event',
  'public_security',
] as const;
export type EmergencyEventType = (typeof EMERGENCY_EVENT_TYPES)[number];

export const EVENT_TYPE_NAMES: Readonly<Record<EmergencyEventType, { zh: string; en: string }>> = {
  rainstorm_flood: { zh: '暴雨洪涝', en: 'Rainstorm and flood' },
  cold_wave: { zh: '寒潮', en: 'Cold wave' },
  earthquake: { zh: '地震', en: 'Earthquake' },
  gas_leak: { zh: '燃气泄漏', en: 'Gas leak' },
  fire: { zh: '火灾', en: 'Fire' },
  public_health: { zh: '公共卫生事件', en: 'Public-health event' },
  major_event: { zh: '大型活动与人群聚集', en: 'Major event or crowd' },
  public_security: { zh: '社会安全事件', en: 'Public-security incident' },
};
