/**
 * The contract's entry names on their own, so the preload can expose one function per entry without bundling the
 * schemas. `contract.ts` is checked against these lists by the compiler (`satisfies`).
 */
export const INVOKE_NAMES = [
  'app.getInfo',
  'city.getOutline',
  'city.getStatus',
  'city.getBoundaries',
  'city.getLabels',
  'city.importFile',
  'map.getGridCard',
  'map.getGridMetrics',
  'map.getPointCard',
  'map.search',
  'map.getPoints',
  'map.getPointClasses',
  'hub.getStatus',
  'broadcast.preview',
  'broadcast.send',
  'broadcast.list',
  'broadcast.pending',
  'broadcast.escalations',
  'broadcast.resend',
  'workers.getPersonal',
  'tickets.getFilters',
  'tickets.getHeatmap',
  'tickets.list',
  'tickets.get',
  'tickets.getPhoto',
  'tickets.getLivePoints',
  'tickets.handle',
  'tickets.close',
  'tickets.rerouteOptions',
  'tickets.reroute',
  'tickets.merge',
  'tickets.kpi',
  'settings.get',
  'settings.update',
  'session.get',
  'session.setup',
  'session.signIn',
  'session.resume',
  'session.signOut',
  'session.lock',
  'session.unlock',
  'confirmations.list',
  'confirmations.approve',
  'confirmations.reject',
  'users.list',
  'users.add',
  'users.update',
  'users.setDisabled',
  'users.resetPassword',
  'users.unlock',
  'users.getPolicy',
  'users.updatePolicy',
  'users.scopeOptions',
  'audit.query',
  'audit.facets',
  'audit.verify',
  'audit.export',
] as const;
export const EVENT_NAMES = [
  'settings.changed',
  'hub.statusChanged',
  'broadcast.receipts',
  'broadcast.escalated',
  'city.statusChanged',
  'city.generationProgress',
  'city.importProgress',
  'confirmations.changed',
  'tickets.changed',
] as const;

export type InvokeName = (typeof INVOKE_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

/** IPC channel of an invoke entry (Electron host). */
export const invokeChannel = (name: InvokeName): string => `invoke:${name}`;
/** IPC channel of an event (Electron host). */
export const eventChannel = (name: EventName): string => `event:${name}`;
