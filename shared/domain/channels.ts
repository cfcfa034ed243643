/**
 * The ticket intake channels: the ten channel families Zhengzhou unified into one platform (DOMAIN.md), with the
 * share of the historical volume the default city gives each.
 */
export interface ChannelSpec {
  id: number;
  code: string;
  name: string;
  nameEn: string;
  /** Share of ticket volume in the generated history (sums to 1). */
  share: number;
}

export const CHANNELS: readonly ChannelSpec[] = [
  { id: 1, code: 'hotline_12345', name: '12345热线', nameEn: '12345 hotline', share: 0.42 },
  { id: 2, code: 'zhenghaopai', name: '郑好拍', nameEn: 'Zhenghaopai photo app', share: 0.17 },
  { id: 3, code: 'police_110', name: '110非警务警情转办', nameEn: '110 non-police transfer', share: 0.06 },
  { id: 4, code: 'grid_patrol', name: '网格员巡查', nameEn: 'Grid worker patrol', share: 0.2 },
  { id: 5, code: 'online_petition', name: '网上信访', nameEn: 'Online petition', share: 0.02 },
  { id: 6, code: 'iot_alarm', name: '物联感知告警', nameEn: 'IoT alarm', share: 0.04 },
  { id: 7, code: 'ai_video', name: 'AI视频识别', nameEn: 'AI video detection', share: 0.05 },
  { id: 8, code: 'mayor_mailbox', name: '市长信箱', nameEn: "Mayor's mailbox", share: 0.015 },
  { id: 9, code: 'wechat_service', name: '政务微信小程序', nameEn: 'Government WeChat mini-program', share: 0.02 },
  { id: 10, code: 'media_opinion', name: '媒体舆情', nameEn: 'Media and public opinion', share: 0.005 },
];

/** Ticket lifecycle states as stored (integer codes, see migration 0001). */
export const TICKET_STATUSES = [
  'reported',
  'dispatched',
  'accepted',
  'handling',
  'resolved',
  'feedback',
  'evaluated',
  'reopened',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const ticketStatusCode = (status: TicketStatus): number => TICKET_STATUSES.indexOf(status);
/** resolved, feedback and evaluated count as closed. */
export const CLOSED_STATUS_MIN = 4;
