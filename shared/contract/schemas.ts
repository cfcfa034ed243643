/** Runtime schemas of the values that cross the contract. Types are inferred from them, never written twice. */
import { z } from 'zod';
import { IMPORT_CRSES, IMPORT_KINDS } from '../domain/city-import';
import { LANGUAGES } from '../domain/language';
import { SENSOR_STATES } from '../domain/point-classes';
import { PRIORITIES } from '../protocol/hub-protocol';

export const emptyInput = z.strictObject({});

export const languageSchema = z.enum(LANGUAGES);

export const settingsSchema = z.strictObject({
  language: languageSchema,
});
export type Settings = z.infer<typeof settingsSchema>;

/**
 * A partial update: at least one known field, nothing else. A field given as `undefined` (Electron's structured clone
 * keeps it) counts as absent: `{ language: undefined }` is nothing to update, not a request to unset the language.
 */
export const settingsPatchSchema = settingsSchema
  .partial()
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), { message: 'nothing to update' });

export const hostKindSchema = z.enum(['electron', 'web']);
export type HostKind = z.infer<typeof hostKindSchema>;

export const appInfoSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  host: hostKindSchema,
  /** ISO 8601 time the host started. */
  startedAt: z.iso.datetime(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

const positionSchema = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const bboxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const cityOutlineSchema = z.strictObject({
  name: z.string(),
  nameEn: z.string(),
  crs: z.literal('WGS-84'),
  /** Where the geometry comes from, with its licence. */
  source: z.string(),
  /** The datum the source used before conversion. */
  convertedFrom: z.string(),
  /** Area of the geometry on the WGS-84 ellipsoid. */
  areaKm2: z.number().positive(),
  /** The city's official area, for the data note. */
  officialAreaKm2: z.number().positive(),
  bbox: bboxSchema,
  /** GeoJSON MultiPolygon coordinates: polygons → rings → [lng, lat]. */
  polygons: z.array(z.array(z.array(positionSchema).min(4)).min(1)).min(1),
});
export type CityOutline = z.infer<typeof cityOutlineSchema>;

export const generationPhaseSchema = z.enum(['grids', 'workers', 'cameras', 'sensors', 'tickets', 'finishing']);

export const generationProgressSchema = z.strictObject({
  phase: generationPhaseSchema,
  /** 0..1 over the whole generation. */
  fraction: z.number().min(0).max(1),
  phaseDone: z.number().int().nonnegative(),
  phaseTotal: z.number().int().nonnegative(),
  elapsedSeconds: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
});
export type GenerationProgressData = z.infer<typeof generationProgressSchema>;

export const cityStatusSchema = z.strictObject({
  /** generating: the default city is being written; ready: complete; failed: see message and the log. */
  state: z.enum(['generating', 'ready', 'failed']),
  /** Counties and grids are in the store (true long before the ticket history is). */
  framed: z.boolean(),
  scale: z.enum(['full', 'medium', 'small', 'imported']),
  message: z.string().optional(),
  progress: generationProgressSchema.optional(),
  /** Goes up whenever the city data is replaced (an import), so views know to reload it. */
  revision: z.number().int().nonnegative(),
});
export type CityStatus = z.infer<typeof cityStatusSchema>;

/** County-level units, then the grid hierarchy from street (L1) down to micro-grids, and the exclusive overlays. */
export const boundaryLevelSchema = z.enum(['county', 'L1', 'L2', 'L3', 'micro', 'exclusive']);
export type BoundaryLevel = z.infer<typeof boundaryLevelSchema>;

/**
 * Boundaries of one level as flat typed arrays (shared/geo/polygon-blob.ts layout, all features concatenated):
 * feature f owns polygons featureStarts[f]..featureStarts[f+1]. Ready for deck.gl binary attributes.
 */
export const boundariesSchema = z.strictObject({
  level: boundaryLevelSchema,
  ids: z.instanceof(Int32Array),
  /** Codes and names, only when asked for (`labels`): tens of thousands of strings are not sent by default. */
  codes: z.array(z.string()),
  names: z.array(z.string()),
  coords: z.instanceof(Float64Array),
  ringStarts: z.instanceof(Uint32Array),
  polygonStarts: z.instanceof(Uint32Array),
  featureStarts: z.instanceof(Uint32Array),
});
export type Boundaries = z.infer<typeof boundariesSchema>;

export const importRequestSchema = z.strictObject({
  /** A file on the machine that runs the console's main process. */
  path: z.string().min(1).max(4096),
  kind: z.enum(IMPORT_KINDS),
  crs: z.enum(IMPORT_CRSES),
});

export const importResultSchema = z.strictObject({
  kind: z.enum(IMPORT_KINDS),
  rows: z.number().int().nonnegative(),
  inserted: z.number().int().nonnegative(),
  replaced: z.boolean().optional(),
  seconds: z.number().nonnegative(),
});
export type ImportResult = z.infer<typeof importResultSchema>;

export const importProgressSchema = z.strictObject({
  kind: z.enum(IMPORT_KINDS),
  phase: z.string().max(64),
  done: z.number().nonnegative(),
  total: z.number().nonnegative().optional(),
});
export type ImportProgressData = z.infer<typeof importProgressSchema>;

export const heatmapRequestSchema = z
  .strictObject({
    /** Epoch seconds, inclusive. */
    from: z.number().int().nonnegative(),
    /** Epoch seconds, exclusive. */
    to: z.number().int().nonnegative(),
    /** Channel ids to include; all when absent. */
    channels: z.array(z.number().int().min(0).max(31)).max(32).optional(),
    /** Category groups (level-1 field index) to include; all when absent. */
    categoryGroups: z.array(z.number().int().min(0).max(31)).max(32).optional(),
  })
  .refine((request) => request.to > request.from, { message: 'the window must end after it starts' });

/** Non-empty heatmap bins: centres as [lng, lat] pairs and their ticket counts, as typed arrays. */
export const heatmapSchema = z.strictObject({
  positions: z.instanceof(Float32Array),
  counts: z.instanceof(Uint32Array),
  total: z.number().int().nonnegative(),
  /** The largest bin count, for a stable colour scale. */
  maxCount: z.number().int().nonnegative(),
});
export type Heatmap = z.infer<typeof heatmapSchema>;

export const ticketFiltersSchema = z.strictObject({
  /** Time span of the ticket history (epoch seconds); null when there are no tickets. */
  first: z.number().int().nullable(),
  last: z.number().int().nullable(),
  channels: z.array(z.strictObject({ id: z.number().int(), name: z.string(), nameEn: z.string() })),
  categoryGroups: z.array(z.strictObject({ group: z.number().int(), name: z.string(), nameEn: z.string() })),
  /** Every county-level unit of the city, by code, for the board's county filter. */
  counties: z.array(z.strictObject({ code: z.string(), name: z.string(), nameEn: z.string() })),
});
export type TicketFilters = z.infer<typeof ticketFiltersSchema>;

export const pointLayerSchema = z.enum(['workers', 'cameras', 'sensors']);
export type PointLayerName = z.infer<typeof pointLayerSchema>;

/**
 * A point layer as typed arrays: ids, [lng, lat] pairs, and one class byte per point (worker status, camera kind,
 * sensor kind × 4 + state — see shared/domain/point-classes.ts).
 */
export const pointLayerDataSchema = z.strictObject({
  layer: pointLayerSchema,
  ids: z.instanceof(Int32Array),
  positions: z.instanceof(Float32Array),
  classes: z.instanceof(Uint8Array),
  /** When the states were read (epoch seconds): statuses change over time. */
  asOf: z.number().int(),
});
export type PointLayerData = z.infer<typeof pointLayerDataSchema>;

/** A status refresh: the class bytes alone, in the order of the layer's ids. */
export const pointClassesSchema = z.strictObject({
  layer: pointLayerSchema,
  classes: z.instanceof(Uint8Array),
  asOf: z.number().int(),
});
export type PointClasses = z.infer<typeof pointClassesSchema>;

export const gridLevelSchema = z.enum(['L1', 'L2', 'L3', 'micro', 'exclusive']);
export type GridLevel = z.infer<typeof gridLevelSchema>;

const gridRefSchema = z.strictObject({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  level: gridLevelSchema,
});

/** What a commander sees on clicking a grid: where it sits, and who and what is in it (its whole subtree). */
export const gridCardSchema = z.strictObject({
  grid: gridRefSchema.extend({
    /** Airport, station, hospital…, for exclusive grids; null for the hierarchy. */
    exclusiveKind: z.string().nullable(),
    households: z.number().int().nonnegative(),
    areaKm2: z.number().nonnegative(),
    /** [lng, lat]: where a search flies to. */
    centroid: z.tuple([z.number(), z.number()]),
  }),
  /** County first, then L1 down to the grid's parent. */
  parents: z.array(gridRefSchema),
  county: z.string(),
  workersOnDuty: z.number().int().nonnegative(),
  workers: z.number().int().nonnegative(),
  openTickets: z.number().int().nonnegative(),
  /** Open tickets past their category's deadline. */
  overdueTickets: z.number().int().nonnegative(),
  cameras: z.number().int().nonnegative(),
  sensors: z.number().int().nonnegative(),
});
export type GridCard = z.infer<typeof gridCardSchema>;

/**
 * Place names for the map: county-level units and L1 grids (streets and towns), at their centroids. A few hundred
 * entries: plain arrays, positions as one typed array.
 */
export const mapLabelsSchema = z.strictObject({
  /** County id (rank 0) or grid id (rank 1). */
  ids: z.instanceof(Int32Array),
  names: z.array(z.string()),
  namesEn: z.array(z.string()),
  /** [lng, lat] pairs. */
  positions: z.instanceof(Float64Array),
  /** 0 county-level unit, 1 L1 grid. */
  ranks: z.instanceof(Uint8Array),
});
export type MapLabels = z.infer<typeof mapLabelsSchema>;

export const metricLevelSchema = z.enum(['L1', 'L2', 'L3', 'micro']);
export const GRID_METRICS = ['openTickets', 'overdueTickets', 'workersOnDuty'] as const;
export type GridMetricName = (typeof GRID_METRICS)[number];

/**
 * What grids are filled by, for every grid of a level: typed arrays in the order of `city.getBoundaries(level).ids`
 * (ids repeated, so the renderer can check). Each grid counts its whole subtree, as its card does.
 */
export const gridMetricsSchema = z.strictObject({
  level: metricLevelSchema,
  ids: z.instanceof(Int32Array),
  openTickets: z.instanceof(Uint32Array),
  overdueTickets: z.instanceof(Uint32Array),
  workersOnDuty: z.instanceof(Uint32Array),
  asOf: z.number().int(),
});
export type GridMetrics = z.infer<typeof gridMetricsSchema>;

/** The card of a camera or a sensor: what it is, where, in which grid, and its state. */
const deviceBaseSchema = z.strictObject({
  id: z.number().int(),
  code: z.string(),
  kind: z.string(),
  position: z.tuple([z.number(), z.number()]),
  grid: gridRefSchema,
  /** County first, then L1 down to the device's grid. */
  chain: z.array(z.string()),
});
export const pointCardSchema = z.discriminatedUnion('layer', [
  deviceBaseSchema.extend({
    layer: z.literal('cameras'),
    /** The configured live stream, or null: the card says so plainly (video comes with its own issue). */
    streamUrl: z.string().nullable(),
  }),
  deviceBaseSchema.extend({
    layer: z.literal('sensors'),
    state: z.enum(SENSOR_STATES),
    unit: z.string(),
    warnThreshold: z.number().nullable(),
    alarmThreshold: z.number().nullable(),
    asOf: z.number().int(),
  }),
]);
export type PointCard = z.infer<typeof pointCardSchema>;

/** One search hit: a grid (by code or name), a camera or a sensor (by code or id), with where to fly. */
export const searchHitSchema = z.strictObject({
  kind: z.enum(['grid', 'cameras', 'sensors']),
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  /** The grid level, or the device kind. */
  detail: z.string(),
  /** Where a grid sits, to tell grids of one name apart: its parent, or the county for a street; null for devices. */
  parent: z.string().nullable(),
  position: z.tuple([z.number(), z.number()]),
  /** The zoom that shows the hit whole (a grid's size; a device close up). */
  zoom: z.number(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;
export const searchResultSchema = z.strictObject({ hits: z.array(searchHitSchema), more: z.boolean() });
export type SearchResult = z.infer<typeof searchResultSchema>;

const lngLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

/**
 * Who a broadcast is for, as the commander picks it: the whole city, county-level units, grids of any level (picked on
 * the map or from a list), a polygon drawn on the map, or a radius round a point. The main process resolves it to grids.
 */
export const broadcastTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('city') }),
  z.strictObject({ kind: z.literal('counties'), ids: z.array(z.number().int().positive()).min(1).max(64) }),
  z.strictObject({ kind: z.literal('grids'), ids: z.array(z.number().int().positive()).min(1).max(50_000) }),
  z.strictObject({ kind: z.literal('polygon'), ring: z.array(lngLat).min(3).max(2000) }),
  z.strictObject({ kind: z.literal('radius'), center: lngLat, meters: z.number().min(50).max(100_000) }),
]);
export type BroadcastTarget = z.infer<typeof broadcastTargetSchema>;

/** The shortest escalation deadline the hub accepts (shared/protocol/hub-protocol.ts `deadlineS`). */
export const BROADCAST_DEADLINE_MIN_S = 5;

export const broadcastDraftSchema = z
  .strictObject({
    text: z.string().trim().min(1).max(2000),
    priority: z.enum(PRIORITIES),
    target: broadcastTargetSchema,
    ackRequired: z.boolean(),
    expiresInMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60),
    /**
     * Seconds until workers who have not acknowledged are escalated (SMS/voice); none when absent. Seconds, because
     * in an emergency a commander escalates after half a minute, not ten. No later than the expiry.
     */
    deadlineSeconds: z
      .number()
      .int()
      .min(BROADCAST_DEADLINE_MIN_S)
      .max(24 * 3600)
      .optional(),
  })
  .refine((draft) => draft.deadlineSeconds === undefined || draft.deadlineSeconds <= draft.expiresInMinutes * 60, {
    message: 'the deadline must not fall after the expiry',
    path: ['deadlineSeconds'],
  });
export type BroadcastDraft = z.infer<typeof broadcastDraftSchema>;

export const broadcastPreviewSchema = z.strictObject({
  /** Grid workers the broadcast will reach (every worker of the target grids, online or not). */
  workers: z.number().int().nonnegative(),
  grids: z.number().int().nonnegative(),
  /** Why this operator may not send to the target (role or scope), or null when they may. */
  refusal: z.string().nullable(),
  /** The two-person rule will hold it for a second operator's confirmation. */
  needsSecondOperator: z.boolean(),
});
export type BroadcastPreview = z.infer<typeof broadcastPreviewSchema>;

/** A broadcast with its live receipts, summed over the hubs; per-L1 counts as typed arrays for the map. */
export const broadcastStatusSchema = z.strictObject({
  id: z.string(),
  seq: z.number().int(),
  text: z.string(),
  priority: z.enum(PRIORITIES),
  sender: z.string(),
  sentAt: z.number().int(),
  ackRequired: z.boolean(),
  deadlineAt: z.number().int().nullable(),
  targeted: z.number().int().nonnegative(),
  /** Sent to connected phones; delivered and read as acknowledged by them. */
  sent: z.number().int().nonnegative(),
  delivered: z.number().int().nonnegative(),
  read: z.number().int().nonnegative(),
  l1: z.instanceof(Int32Array),
  l1Sent: z.instanceof(Uint32Array),
  l1Delivered: z.instanceof(Uint32Array),
  l1Read: z.instanceof(Uint32Array),
  /** Delivery latency percentiles (histogram bucket bounds), null before the first receipt. */
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  /** Workers escalated (SMS/voice) for missing the deadline, over every hub; when the latest hub escalated. */
  escalated: z.number().int().nonnegative(),
  escalatedAt: z.number().int().nullable(),
});
export type BroadcastStatus = z.infer<typeof broadcastStatusSchema>;

/** How many workers of the named lists (pending, escalated) cross to a window: a page, never the whole city. */
export const WORKER_LIST_CAP = 200;
const listedWorkerSchema = z.strictObject({ id: z.number().int(), code: z.string(), grid: z.string() });

/**
 * Workers a broadcast escalated for missing its deadline, summed over the hubs (each hub escalates its own workers
 * once): the total, when the latest hub did, and the first of them by name.
 */
export const broadcastEscalationSchema = z.strictObject({
  id: z.string(),
  at: z.number().int(),
  total: z.number().int().positive(),
  workers: z.array(listedWorkerSchema).max(WORKER_LIST_CAP),
});
export type BroadcastEscalation = z.infer<typeof broadcastEscalationSchema>;

export const pendingWorkersSchema = z.strictObject({
  id: z.string(),
  total: z.number().int().nonnegative(),
  /** Targeted workers whose phones were not connected when it was sent (and so have nothing to acknowledge yet). */
  offline: z.number().int().nonnegative(),
  /** The first of them (capped), with the grid each belongs to. */
  workers: z.array(listedWorkerSchema).max(WORKER_LIST_CAP),
});
export type PendingWorkerList = z.infer<typeof pendingWorkersSchema>;

export const hubStatusSchema = z.strictObject({
  state: z.enum(['unconfigured', 'connecting', 'connected', 'refused']),
  url: z.string().nullable(),
  detail: z.string().optional(),
  /** The hub offers another ticket stream than this console's store follows: its tickets are refused (why, in words). */
  ticketStreamProblem: z.strictObject({ zh: z.string(), en: z.string() }).optional(),
});
export type HubStatus = z.infer<typeof hubStatusSchema>;

/** A worker's personal details: shown on request only, territorial (the worker's grid) and audited. */
export const workerPersonalSchema = z.strictObject({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  role: z.enum(['grid_worker', 'cadre', 'police_auxiliary', 'volunteer']),
  shift: z.enum(['day', 'evening', 'night', 'on_call']),
  grid: z.strictObject({ code: z.string(), name: z.string() }),
});
export type WorkerPersonal = z.infer<typeof workerPersonalSchema>;
