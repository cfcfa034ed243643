/**
 * Broadcasts from the console: resolve what the commander picked (the city, county-level units, grids, a polygon or a
 * radius) to grids, preview how many workers that is, send it through the hub link, keep the record in the store, and
 * turn the hubs' partial receipts into one live status per broadcast for every window; record the workers the hubs
 * escalate for missing a deadline, and tell every window.
 *
 * A worker's phone sits in the rooms of its grid and every grid above it, so a target grid reaches its whole subtree,
 * exclusive grids included; the preview counts exactly that subtree.
 */
import { randomUUID } from 'node:crypto';
import {
  ContractError,
  WORKER_LIST_CAP,
  type BroadcastDraft,
  type BroadcastEscalation,
  type BroadcastPreview,
  type BroadcastStatus,
  type BroadcastTarget,
  type PendingWorkerList,
} from '../../../shared/contract';
import {
  histogramPercentile,
  type CommandReceiptPart,
  type EscalationMessage,
} from '../../../shared/protocol/hub-protocol';
import type { Store } from '../store/store';
import { hubUnavailable, type HubLink } from './hub-link';
import { insideRing } from '../../../shared/geo/point-in-ring';

/** At most one status event per broadcast per this many ms (receipts from several hubs arrive in bursts). */
export const RECEIPT_EVENT_MS = 250;
const RECENT_LIMIT = 50;
const EARTH_RADIUS_M = 6_371_008.8;

/** What the service tells every window. */
export interface BroadcastListeners {
  /** A broadcast's receipts (or its escalations) changed. */
  status: (status: BroadcastStatus) => void;
  /** A hub escalated workers of one of this console's broadcasts. */
  escalation: (escalation: BroadcastEscalation) => void;
}

interface ResolvedTarget {
  /** null: the whole city. */
  grids: number[] | null;
  workers: number;
}

interface BroadcastRow {
  id: string;
  seq: number;
  text: string;
  priority: BroadcastStatus['priority'];
  targeted: number;
  ack_required: number;
  sent_at: number;
  deadline_at: number | null;
  sender: string;
}

type ListedWorker = PendingWorkerList['workers'][number];

/** Worker ids as packed little-endian int32, the way `broadcast_escalations` keeps them. */
export function packWorkerIds(ids: readonly number[]): Buffer {
  const bytes = Buffer.alloc(ids.length * 4);
  ids.forEach((id, i) => bytes.writeInt32LE(id, i * 4));
  return bytes;
}

/** The first `cap` ids of a packed list. */
export function unpackWorkerIds(bytes: Uint8Array, cap = Infinity): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = Math.min(cap, Math.floor(bytes.byteLength / 4));
  return Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
}

function metresBetween([lng1, lat1]: [number, number], lng2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(a));
}

/** Broadcasts whose escalated workers are kept in memory at most (a status is asked for every receipts tick). */
const ESCALATION_CACHE_MAX = 1000;

export class BroadcastService {
  private readonly lastEmit = new Map<string, number>();
  private readonly pendingEmit = new Map<string, NodeJS.Timeout>();
  private readonly escalationCache = new Map<string, { ids: number[]; at: number } | null>();

  constructor(
    private readonly store: Store,
    private readonly link: HubLink | undefined,
    private readonly sender: string,
    private readonly listeners: BroadcastListeners,
    private readonly now: () => number = Date.now,
  ) {}

  private hub(): HubLink {
    if (!this.link) throw hubUnavailable('no command hub is configured (--hub URL)');
    return this.link;
  }

  /** The grids a target means, and the workers in their subtrees. */
  resolve(target: BroadcastTarget): ResolvedTarget {
    const db = this.store.reader();
    if (target.kind === 'city') {
      return { grids: null, workers: (db.prepare('SELECT COUNT(*) AS n FROM workers').get() as { n: number }).n };
    }
    let grids: number[];
    if (target.kind === 'counties') {
      grids = db
        .prepare("SELECT id FROM grids WHERE level = 'L1' AND county_id IN (SELECT value FROM json_each(?))")
        .pluck()
        .all(JSON.stringify(target.ids)) as number[];
    } else if (target.kind === 'grids') {
      grids = db
        .prepare('SELECT id FROM grids WHERE id IN (SELECT value FROM json_each(?))')
        .pluck()
        .all(JSON.stringify(target.ids)) as number[];
    } else {
      // Areas drawn on the map: the compound grids (and exclusive grids) whose centre lies in them.
      const candidates = db
        .prepare("SELECT id, centroid_lon, centroid_lat FROM grids WHERE level IN ('L3', 'exclusive')")
        .raw()
        .all() as [number, number, number][];
      grids = candidates
        .filter(([, lng, lat]) =>
          target.kind === 'polygon'
            ? insideRing(target.ring, lng, lat)
            : metresBetween(target.center, lng, lat) <= target.meters,
        )
        .map(([id]) => id);
    }
    const workers =
      grids.length === 0
        ? 0
        : (
            db
              .prepare(
                `WITH RECURSIVE subtree(id) AS (
                   SELECT value FROM json_each(?) UNION SELECT g.id FROM grids g JOIN subtree s ON g.parent_id = s.id
                 ) SELECT COUNT(*) AS n FROM workers WHERE grid_id IN subtree`,
              )
              .get(JSON.stringify(grids)) as { n: number }
          ).n;
    return { grids, workers };
  }

  preview(target: BroadcastTarget): Pick<BroadcastPreview, 'workers' | 'grids'> {
    const resolved = this.resolve(target);
    const grids =
      resolved.grids?.length ??
      (this.store.reader().prepare('SELECT COUNT(*) AS n FROM grids').get() as { n: number }).n;
    return { workers: resolved.workers, grids };
  }

  async send(draft: BroadcastDraft): Promise<BroadcastStatus> {
    const resolved = this.resolve(draft.target);
    if (resolved.grids !== null && resolved.grids.length === 0) {
      throw new ContractError({ code: 'refused', message: 'the target covers no grid: nothing to send' });
    }
    const id = `b-${randomUUID()}`;
    const ack = await this.hub().send({
      id,
      text: draft.text,
      priority: draft.priority,
      target: resolved.grids === null ? { all: true } : { grids: resolved.grids },
      ackRequired: draft.ackRequired,
      expiresInS: draft.expiresInMinutes * 60,
      ...(draft.deadlineSeconds === undefined ? {} : { deadlineS: draft.deadlineSeconds }),
      sender: this.sender,
    });
    const row: BroadcastRow = {
      id,
      seq: ack.seq,
      text: draft.text,
      priority: draft.priority,
      targeted: resolved.workers,
      ack_required: draft.ackRequired ? 1 : 0,
      sent_at: ack.sentAt,
      deadline_at: draft.deadlineSeconds === undefined ? null : ack.sentAt + draft.deadlineSeconds * 1000,
      sender: this.sender,
    };
    this.store.writer
      .prepare(
        `INSERT INTO broadcasts (id, seq, text, priority, target, targeted, ack_required, sent_at, expires_at,
                                 deadline_at, sender)
         VALUES (@id, @seq, @text, @priority, @target, @targeted, @ack_required, @sent_at, @expires_at, @deadline_at,
                 @sender)`,
      )
      .run({
        ...row,
        target: JSON.stringify(draft.target),
        expires_at: ack.sentAt + draft.expiresInMinutes * 60_000,
      });
    return this.status(row, this.link?.partsOf(id) ?? []);
  }

  list(): BroadcastStatus[] {
    const rows = this.store
      .reader()
      .prepare('SELECT * FROM broadcasts ORDER BY sent_at DESC LIMIT ?')
      .all(RECENT_LIMIT) as BroadcastRow[];
    return rows.map((row) => this.status(row, this.link?.partsOf(row.id) ?? []));
  }

  /**
   * Who has not acknowledged: the workers the hubs sent it to and have no receipt from (named, the first of them),
   * and how many targeted workers it never reached because their phones were not connected.
   */
  async pending(id: string): Promise<PendingWorkerList> {
    const answer = await this.hub().pending(id);
    const row = this.row(id);
    const sent = (this.link?.partsOf(id) ?? []).reduce((sum, part) => sum + part.sent, 0);
    return {
      id,
      total: answer.total,
      offline: row ? Math.max(0, row.targeted - sent) : 0,
      workers: this.describeWorkers(answer.workers.slice(0, WORKER_LIST_CAP)),
    };
  }

  /**
   * Every hub's escalated workers of a broadcast, as one set: a worker who moved to another hub mid-command may be on
   * two hubs' lists, and is one person. Kept per broadcast until a hub reports again.
   */
  private escalatedWorkers(id: string): { ids: number[]; at: number } | null {
    const cached = this.escalationCache.get(id);
    if (cached !== undefined) return cached;
    const rows = this.store
      .reader()
      .prepare('SELECT at, workers FROM broadcast_escalations WHERE broadcast_id = ? ORDER BY at, hub')
      .all(id) as { at: number; workers: Uint8Array }[];
    const union =
      rows.length === 0
        ? null
        : {
            ids: [...new Set(rows.flatMap((row) => unpackWorkerIds(row.workers)))],
            at: Math.max(...rows.map((row) => row.at)),
          };
    // Only this console's broadcasts are kept (an id from anywhere else must not grow the cache), and not for ever.
    if (this.row(id)) {
      if (this.escalationCache.size >= ESCALATION_CACHE_MAX) this.escalationCache.clear();
      this.escalationCache.set(id, union);
    }
    return union;
  }

  /** The workers a broadcast escalated so far, over every hub, or null when none was. */
  escalations(id: string): BroadcastEscalation | null {
    const escalated = this.escalatedWorkers(id);
    if (!escalated) return null;
    return {
      id,
      at: escalated.at,
      total: escalated.ids.length,
      workers: this.describeWorkers(escalated.ids.slice(0, WORKER_LIST_CAP)),
    };
  }

  /**
   * A hub escalated the workers who missed a deadline: recorded (one row per hub; a repeat replaces it) and told to
   * every window, with the broadcast's status. Escalations of another console's commands are that console's to report.
   */
  escalated(message: EscalationMessage): void {
    const row = this.row(message.id);
    if (!row) return;
    this.store.writer
      .prepare(
        `INSERT OR REPLACE INTO broadcast_escalations (broadcast_id, hub, at, total, workers)
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(message.id, message.hub, message.at, message.workers.length, packWorkerIds(message.workers));
    this.escalationCache.delete(message.id);
    const escalation = this.escalations(message.id);
    if (escalation) this.listeners.escalation(escalation);
    this.listeners.status(this.status(row, this.link?.partsOf(message.id) ?? []));
  }

  resend(id: string): Promise<{ id: string; resent: number }> {
    return this.hub().resend(id);
  }

  /** New receipts from the hub link: a status event now, or at the end of the current 250 ms window. */
  receipts(id: string, parts: readonly CommandReceiptPart[]): void {
    if (this.pendingEmit.has(id)) return;
    const wait = Math.max(0, (this.lastEmit.get(id) ?? 0) + RECEIPT_EVENT_MS - this.now());
    const emit = (): void => {
      this.pendingEmit.delete(id);
      this.lastEmit.set(id, this.now());
      const row = this.row(id);
      // Receipts for a command another console sent: that console reports them.
      if (row) this.listeners.status(this.status(row, this.link?.partsOf(id) ?? parts));
    };
    if (wait === 0) emit();
    else this.pendingEmit.set(id, setTimeout(emit, wait));
  }

  close(): void {
    for (const timer of this.pendingEmit.values()) clearTimeout(timer);
    this.pendingEmit.clear();
  }

  private row(id: string): BroadcastRow | undefined {
    return this.store.reader().prepare('SELECT * FROM broadcasts WHERE id = ?').get(id) as BroadcastRow | undefined;
  }

  /** Workers by id, in that order, with their code and grid (an id the store does not know keeps its number). */
  private describeWorkers(ids: readonly number[]): ListedWorker[] {
    if (ids.length === 0) return [];
    const rows = this.store
      .reader()
      .prepare(
        `SELECT j.value AS id, w.code, g.name AS grid FROM json_each(?) j
         LEFT JOIN workers w ON w.id = j.value LEFT JOIN grids g ON g.id = w.grid_id ORDER BY j.key`,
      )
      .all(JSON.stringify(ids)) as { id: number; code: string | null; grid: string | null }[];
    return rows.map(({ id, code, grid }) => ({ id, code: code ?? `#${id}`, grid: grid ?? '' }));
  }

  private status(row: BroadcastRow, parts: readonly CommandReceiptPart[]): BroadcastStatus {
    const perL1 = new Map<number, [number, number, number]>();
    const latency: number[] = [];
    let sent = 0;
    let delivered = 0;
    let read = 0;
    for (const part of parts) {
      sent += part.sent;
      delivered += part.delivered;
      read += part.read;
      part.l1.forEach((l1, i) => {
        const counts = perL1.get(l1) ?? [0, 0, 0];
        counts[0] += part.l1Sent[i] ?? 0;
        counts[1] += part.l1Delivered[i] ?? 0;
        counts[2] += part.l1Read[i] ?? 0;
        perL1.set(l1, counts);
      });
      part.latency.forEach((n, i) => (latency[i] = (latency[i] ?? 0) + n));
    }
    const l1 = [...perL1.keys()].sort((a, b) => a - b);
    const escalated = this.escalatedWorkers(row.id);
    const escalation = { total: escalated?.ids.length ?? 0, at: escalated?.at ?? null };
    return {
      id: row.id,
      seq: row.seq,
      text: row.text,
      priority: row.priority,
      sender: row.sender,
      sentAt: row.sent_at,
      ackRequired: row.ack_required === 1,
      deadlineAt: row.deadline_at,
      targeted: row.targeted,
      sent,
      delivered,
      read,
      l1: Int32Array.from(l1),
      l1Sent: Uint32Array.from(l1, (id) => perL1.get(id)![0]),
      l1Delivered: Uint32Array.from(l1, (id) => perL1.get(id)![1]),
      l1Read: Uint32Array.from(l1, (id) => perL1.get(id)![2]),
      p50Ms: histogramPercentile(latency, 0.5),
      p99Ms: histogramPercentile(latency, 0.99),
      escalated: escalation.total,
      escalatedAt: escalation.at,
    };
  }
}
