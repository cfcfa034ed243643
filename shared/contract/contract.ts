/**
 * The typed contract between the renderer and the main process: every call the renderer can make (`invokeContract`)
 * and every event the main process pushes (`eventContract`), declared once. Both hosts (Electron IPC and the web host)
 * validate inputs against these schemas before a handler runs; the renderer's `api` is typed from them.
 *
 * Each entry carries a valid example and malformed ones; the contract tests run them all, so adding an entry without
 * examples fails the build.
 */
import { z } from 'zod';
import type { Permission } from '../domain/authority';
import type { EventName, InvokeName } from './names';
import {
  appInfoSchema,
  boundariesSchema,
  broadcastDraftSchema,
  broadcastEscalationSchema,
  broadcastPreviewSchema,
  broadcastStatusSchema,
  broadcastTargetSchema,
  hubStatusSchema,
  pendingWorkersSchema,
  boundaryLevelSchema,
  cityOutlineSchema,
  cityStatusSchema,
  emptyInput,
  generationProgressSchema,
  gridCardSchema,
  gridMetricsSchema,
  mapLabelsSchema,
  metricLevelSchema,
  gridLevelSchema,
  pointCardSchema,
  pointClassesSchema,
  searchResultSchema,
  heatmapRequestSchema,
  pointLayerDataSchema,
  pointLayerSchema,
  heatmapSchema,
  ticketFiltersSchema,
  importProgressSchema,
  importRequestSchema,
  importResultSchema,
  settingsPatchSchema,
  settingsSchema,
} from './schemas';

export interface InvokeEntry<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  summary: string;
  /**
   * What the caller must hold (shared/domain/authority.ts). The main process checks it before the handler runs;
   * a territorial one also needs the area the request acts on, resolved from the input.
   */
  permission: Permission;
  input: I;
  output: O;
  example: z.input<I>;
  invalidExamples: readonly unknown[];
}

export interface EventEntry<P extends z.ZodType = z.ZodType> {
  summary: string;
  payload: P;
  example: z.input<P>;
}

const invoke = <I extends z.ZodType, O extends z.ZodType>(entry: InvokeEntry<I, O>): InvokeEntry<I, O> => entry;
const event = <P extends z.ZodType>(entry: EventEntry<P>): EventEntry<P> => entry;

const notObjects = [null, 42, 'text', [], true] as const;

export const invokeContract = {
  'app.getInfo': invoke({
    summary: 'Name, version and host of the running console.',
    permission: 'console.view',
    input: emptyInput,
    output: appInfoSchema,
    example: {},
    invalidExamples: [...notObjects, { extra: 1 }],
  }),
  'city.getOutline': invoke({
    summary: 'The city outline in WGS-84, with its area and source.',
    permission: 'console.view',
    input: emptyInput,
    output: cityOutlineSchema,
    example: {},
    invalidExamples: [...notObjects, { city: 'Kaifeng' }],
  }),
  'city.getStatus': invoke({
    summary: 'Whether the city is ready or still being generated, with the latest progress.',
    permission: 'console.view',
    input: emptyInput,
    output: cityStatusSchema,
    example: {},
    invalidExamples: [...notObjects, { state: 'ready' }],
  }),
  'city.getBoundaries': invoke({
    summary: 'Boundaries of one level (county, L1…micro, exclusive) as flat typed arrays, for the map.',
    permission: 'console.view',
    input: z.strictObject({ level: boundaryLevelSchema, labels: z.boolean().optional() }),
    output: boundariesSchema,
    example: { level: 'L1' },
    invalidExamples: [
      ...notObjects,
      {},
      { level: 'L9' },
      { level: 'L1', extra: true },
      { level: ['L1'] },
      { level: 'micro', labels: 'yes' },
    ],
  }),
  'city.getLabels': invoke({
    summary: 'Names of the county-level units and L1 grids at their centroids, for the map labels.',
    permission: 'console.view',
    input: emptyInput,
    output: mapLabelsSchema,
    example: {},
    invalidExamples: [...notObjects, { level: 'L1' }],
  }),
  'city.importFile': invoke({
    summary: "Imports a deployment's grids (replacing the city) or appends workers, cameras, sensors or tickets.",
    permission: 'data.import',
    input: importRequestSchema,
    output: importResultSchema,
    example: { path: '/data/zhengzhou/grids.geojson', kind: 'grids', crs: 'GCJ-02' },
    invalidExamples: [
      ...notObjects,
      {},
      { path: '', kind: 'grids', crs: 'WGS-84' },
      { path: '/x.csv', kind: 'bridges', crs: 'WGS-84' },
      { path: '/x.csv', kind: 'tickets', crs: 'BD-09' },
      { path: 'x'.repeat(5000), kind: 'tickets', crs: 'WGS-84' },
      { path: '/x.csv', kind: 'tickets', crs: 'WGS-84', overwrite: true },
    ],
  }),
  'map.getGridCard': invoke({
    summary:
      'The card of a grid — by id, or the grid of a level at a point: parents, households, workers on duty, open and ' +
      'overdue tickets, devices.',
    permission: 'console.view',
    input: z.union([
      z.strictObject({
        lng: z.number().min(-180).max(180),
        lat: z.number().min(-90).max(90),
        level: z.enum(['L1', 'L2', 'L3', 'micro', 'exclusive']),
      }),
      z.strictObject({ id: z.number().int().positive() }),
    ]),
    output: gridCardSchema.nullable(),
    example: { lng: 113.66, lat: 34.757, level: 'L3' },
    invalidExamples: [
      ...notObjects,
      {},
      { lng: 200, lat: 34, level: 'L1' },
      { lng: 113.6, lat: 34.7, level: 'county' },
      { lng: '113.6', lat: 34.7, level: 'L2' },
      { id: -1 },
      { id: 1.5 },
      { id: 3, lng: 113.6, lat: 34.7, level: 'L2' },
    ],
  }),
  'map.getGridMetrics': invoke({
    summary: 'Open tickets, overdue tickets and workers on duty for every grid of a level (typed arrays).',
    permission: 'console.view',
    input: z.strictObject({ level: metricLevelSchema }),
    output: gridMetricsSchema,
    example: { level: 'L2' },
    invalidExamples: [...notObjects, {}, { level: 'exclusive' }, { level: 'county' }, { level: 'L1', metric: 'x' }],
  }),
  'map.getPointCard': invoke({
    summary: 'The card of a camera or a sensor: kind, position, grid chain, stream or state.',
    permission: 'console.view',
    input: z.strictObject({ layer: z.enum(['cameras', 'sensors']), id: z.number().int().positive() }),
    output: pointCardSchema.nullable(),
    example: { layer: 'cameras', id: 1 },
    invalidExamples: [
      ...notObjects,
      {},
      { layer: 'workers', id: 1 },
      { layer: 'cameras' },
      { layer: 'sensors', id: '7' },
      { layer: 'sensors', id: 0 },
    ],
  }),
  'map.search': invoke({
    summary:
      'Grids by code or name, cameras and sensors by code or id: the best hits first, with where to fly. With a ' +
      'level, grids of that level only (the broadcast desk picks targets this way).',
    permission: 'console.view',
    input: z.strictObject({
      query: z.string().trim().min(1).max(64),
      limit: z.number().int().min(1).max(50).optional(),
      level: gridLevelSchema.optional(),
    }),
    output: searchResultSchema,
    example: { query: '金水', level: 'L2' },
    invalidExamples: [
      ...notObjects,
      {},
      { query: '' },
      { query: '   ' },
      { query: 'x'.repeat(65) },
      { query: '金水', limit: 0 },
      { query: '金水', limit: 500 },
      { query: 42 },
      { query: '金水', level: 'county' },
    ],
  }),
  'map.getPoints': invoke({
    summary: 'Workers, cameras or sensors as typed arrays (positions, ids, a class byte each).',
    permission: 'console.view',
    input: z.strictObject({ layer: pointLayerSchema }),
    output: pointLayerDataSchema,
    example: { layer: 'sensors' },
    invalidExamples: [...notObjects, {}, { layer: 'tickets' }, { layer: 'workers', limit: 5 }],
  }),
  'map.getPointClasses': invoke({
    summary: 'The current class byte of every worker, camera or sensor (status refresh; same order as getPoints).',
    permission: 'console.view',
    input: z.strictObject({ layer: pointLayerSchema }),
    output: pointClassesSchema,
    example: { layer: 'workers' },
    invalidExamples: [...notObjects, {}, { layer: 'grids' }, { layer: 'workers', since: 5 }],
  }),
  'hub.getStatus': invoke({
    summary: "The console's link to the command hub: unconfigured, connecting, connected or refused.",
    permission: 'console.view',
    input: emptyInput,
    output: hubStatusSchema,
    example: {},
    invalidExamples: [...notObjects, { url: 'http://x' }],
  }),
  'broadcast.preview': invoke({
    summary: 'How many grid workers (and grids) a broadcast target covers, before sending.',
    permission: 'broadcast.send',
    input: z.strictObject({ target: broadcastTargetSchema }),
    output: broadcastPreviewSchema,
    example: { target: { kind: 'counties', ids: [1, 2] } },
    invalidExamples: [
      ...notObjects,
      {},
      { target: { kind: 'galaxy' } },
      { target: { kind: 'counties', ids: [] } },
      { target: { kind: 'polygon', ring: [[113.6, 34.7]] } },
      { target: { kind: 'radius', center: [113.6, 34.7], meters: 5 } },
      { target: { kind: 'radius', center: [200, 34.7], meters: 500 } },
    ],
  }),
  'broadcast.send': invoke({
    summary: 'Sends a command to the grid workers of a target through the hub; receipts follow as events.',
    permission: 'broadcast.send',
    input: broadcastDraftSchema,
    output: broadcastStatusSchema,
    example: {
      text: '暴雨预警：请立即巡查辖区低洼路段和地下空间',
      priority: 'urgent',
      target: { kind: 'city' },
      ackRequired: true,
      expiresInMinutes: 120,
      deadlineSeconds: 600,
    },
    invalidExamples: [
      ...notObjects,
      {},
      { text: '', priority: 'urgent', target: { kind: 'city' }, ackRequired: true, expiresInMinutes: 60 },
      { text: 'x', priority: 'panic', target: { kind: 'city' }, ackRequired: true, expiresInMinutes: 60 },
      { text: 'x', priority: 'routine', target: { kind: 'city' }, ackRequired: 'yes', expiresInMinutes: 60 },
      {
        text: 'x'.repeat(2001),
        priority: 'routine',
        target: { kind: 'city' },
        ackRequired: true,
        expiresInMinutes: 60,
      },
      { text: 'x', priority: 'routine', target: { kind: 'city' }, ackRequired: true, expiresInMinutes: 0 },
      {
        text: 'x',
        priority: 'routine',
        target: { kind: 'city' },
        ackRequired: true,
        expiresInMinutes: 5,
        deadlineSeconds: 2,
      },
      {
        text: 'x',
        priority: 'routine',
        target: { kind: 'city' },
        ackRequired: true,
        expiresInMinutes: 5,
        deadlineSeconds: 301,
      },
      {
        text: 'x',
        priority: 'routine',
        target: { kind: 'city' },
        ackRequired: true,
        expiresInMinutes: 60,
        deadlineMinutes: 5,
      },
    ],
  }),
  'broadcast.list': invoke({
    summary: 'Recent broadcasts of this console with their latest receipts, newest first.',
    permission: 'console.view',
    input: emptyInput,
    output: z.array(broadcastStatusSchema),
    example: {},
    invalidExamples: [...notObjects, { limit: 5 }],
  }),
  'broadcast.pending': invoke({
    summary: 'The grid workers who have not yet acknowledged a broadcast (every hub asked).',
    permission: 'console.view',
    input: z.strictObject({ id: z.string().min(1).max(64) }),
    output: pendingWorkersSchema,
    example: { id: 'b-0123456789' },
    invalidExamples: [...notObjects, {}, { id: '' }, { id: 5 }],
  }),
  'broadcast.escalations': invoke({
    summary: 'The workers a broadcast escalated for missing its deadline (the total and the first of them), or null.',
    permission: 'console.view',
    input: z.strictObject({ id: z.string().min(1).max(64) }),
    output: broadcastEscalationSchema.nullable(),
    example: { id: 'b-0123456789' },
    invalidExamples: [...notObjects, {}, { id: '' }, { id: 'b-1', all: true }],
  }),
  'broadcast.resend': invoke({
    summary: 'Sends a broadcast again to the connected workers who have not acknowledged it.',
    permission: 'broadcast.send',
    input: z.strictObject({ id: z.string().min(1).max(64) }),
    output: z.strictObject({ id: z.string(), resent: z.number().int().nonnegative() }),
    example: { id: 'b-0123456789' },
    invalidExamples: [...notObjects, {}, { id: '' }],
  }),
  'tickets.getFilters': invoke({
    summary: 'The span of the ticket history and the channels and category groups to filter by.',
    permission: 'console.view',
    input: emptyInput,
    output: ticketFiltersSchema,
    example: {},
    invalidExamples: [...notObjects, { channel: 1 }],
  }),
  'tickets.getHeatmap': invoke({
    summary: 'Ticket density in a time window, optionally filtered, as non-empty bins (typed arrays).',
    permission: 'console.view',
    input: heatmapRequestSchema,
    output: heatmapSchema,
    example: { from: 1_751_299_200, to: 1_753_891_200, channels: [1, 2] },
    invalidExamples: [
      ...notObjects,
      {},
      { from: 10, to: 5 },
      { from: 1.5, to: 5 },
      { from: 0, to: 10, channels: [99] },
      { from: 0, to: 10, categoryGroups: 'all' },
      { from: '2025-07-01', to: '2025-08-01' },
    ],
  }),
  'settings.get': invoke({
    summary: 'The console-wide settings (shared by every window).',
    permission: 'console.view',
    input: emptyInput,
    output: settingsSchema,
    example: {},
    invalidExamples: [...notObjects, { language: 'en' }],
  }),
  'settings.update': invoke({
    summary: 'Changes settings; every window receives settings.changed.',
    permission: 'console.view',
    input: settingsPatchSchema,
    output: settingsSchema,
    example: { language: 'en' },
    invalidExamples: [
      ...notObjects,
      {},
      { language: undefined },
      { language: 'fr' },
      { language: 'en', theme: 'dark' },
      { language: 7 },
    ],
  }),
} as const satisfies Record<InvokeName, InvokeEntry>;

export const eventContract = {
  'settings.changed': event({
    summary: 'Settings changed, in any window of any host.',
    payload: settingsSchema,
    example: { language: 'zh-CN' },
  }),
  'hub.statusChanged': event({
    summary: 'The link to the command hub connected, dropped or was refused.',
    payload: hubStatusSchema,
    example: { state: 'connected', url: 'http://127.0.0.1:5180' },
  }),
  'broadcast.receipts': event({
    summary: 'Live receipts of a broadcast, summed over the hubs (at most every 250 ms per broadcast).',
    payload: broadcastStatusSchema,
    example: {
      id: 'b-0123456789',
      seq: 7,
      text: '请各网格员核查辖区积水点',
      priority: 'urgent',
      sender: 'console',
      sentAt: 1_795_400_000_000,
      ackRequired: true,
      deadlineAt: null,
      targeted: 3,
      sent: 2,
      delivered: 2,
      read: 1,
      l1: Int32Array.from([1]),
      l1Sent: Uint32Array.from([2]),
      l1Delivered: Uint32Array.from([2]),
      l1Read: Uint32Array.from([1]),
      p50Ms: 5,
      p99Ms: 10,
      escalated: 0,
      escalatedAt: null,
    },
  }),
  'broadcast.escalated': event({
    summary: 'A hub escalated the workers who missed a broadcast deadline: the totals so far and the first of them.',
    payload: broadcastEscalationSchema,
    example: {
      id: 'b-0123456789',
      at: 1_795_400_600_000,
      total: 2,
      workers: [
        { id: 17, code: 'W000017', grid: '祭城新村社区' },
        { id: 18, code: 'W000018', grid: '祭城新村社区' },
      ],
    },
  }),
  'city.statusChanged': event({
    summary: 'The city became ready, got its grids, or failed to generate.',
    payload: cityStatusSchema,
    example: { state: 'generating', framed: true, scale: 'full', revision: 0 },
  }),
  'city.generationProgress': event({
    summary: 'Progress of the default city generation (phase, fraction, ETA).',
    payload: generationProgressSchema,
    example: { phase: 'tickets', fraction: 0.5, phaseDone: 10, phaseTotal: 20, elapsedSeconds: 30, etaSeconds: 30 },
  }),
  'city.importProgress': event({
    summary: 'Progress of an import (bytes read for CSV, features for GeoJSON).',
    payload: importProgressSchema,
    example: { kind: 'tickets', phase: 'reading', done: 1024, total: 4096 },
  }),
} as const satisfies Record<EventName, EventEntry>;

export type InvokeContract = typeof invokeContract;
export type EventContract = typeof eventContract;
export type InvokeInput<N extends InvokeName> = z.input<InvokeContract[N]['input']>;
export type InvokeOutput<N extends InvokeName> = z.output<InvokeContract[N]['output']>;
export type EventPayload<E extends EventName> = z.output<EventContract[E]['payload']>;
