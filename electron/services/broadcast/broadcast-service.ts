/**
 * Broadcasts from the console: resolve what the commander picked (the city, county-level units, grids, a polygon or a
 * radius) to grids, preview how many workers that is, send it through the hub link, keep the record in the store, and
 * turn the hubs' partial receipts into one live status per broadcast for every window.
 *
 * A worker's phone sits in the rooms of its grid and every grid above it, so a target grid reaches its whole subtree,
 * exclusive grids included; the preview counts exactly that subtree.
 */
import { randomUUID } from 'node:crypto';
import type {
  BroadcastDraft,
  BroadcastPreview,
  BroadcastStatus,
  BroadcastTarget,
  PendingWorkerList,
} from '../../../shared/contract';
import { histogramPercentile, type CommandReceiptPart } from '../../../shared/protocol/hub-protocol';
import type { Store } from '../store/store';
import { ContractError } from '../../../shared/contract';
import { hubUnavailable, type HubLink } from './hub-link';

/** At most one status event per broadcast per this many ms (receipts from several hubs arrive in bursts). */
export const RECEIPT_EVENT_MS = 250;
const RECENT_LIMIT = 50;
const EARTH_RADIUS_M = 6_371_008.8;

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

function insideRing(ring: readonly [number, number][], lng: number, lat: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function metresBetween([lng1, lat1]: [number, number], lng2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(a));
}

export class BroadcastService {
  private readonly lastEmit = new Map<string, number>();
  private readonly pendingEmit = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: Store,
    private readonly link: HubLink | undefined,
    private readonly sender: string,
    private readonly onStatus: (status: BroadcastStatus) => void,
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

  preview(target: BroadcastTarget): BroadcastPreview {
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
      ...(draft.deadlineMinutes === undefined ? {} : { deadlineS: draft.deadlineMinutes * 60 }),
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
      deadline_at: draft.deadlineMinutes === undefined ? null : ack.sentAt + draft.deadlineMinutes * 60_000,
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

  async pending(id: string): Promise<PendingWorkerList> {
    const answer = await this.hub().pending(id);
    const lookup = this.store
      .reader()
      .prepare('SELECT w.code, g.name AS grid FROM workers w JOIN grids g ON g.id = w.grid_id WHERE w.id = ?');
    return {
      id,
      total: answer.total,
      workers: answer.workers.slice(0, 500).map((workerId) => {
        const found = lookup.get(workerId) as { code: string; grid: string } | undefined;
        return { id: workerId, code: found?.code ?? `#${workerId}`, grid: found?.grid ?? '' };
      }),
    };
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
      const row = this.store.reader().prepare('SELECT * FROM broadcasts WHERE id = ?').get(id) as
        BroadcastRow | undefined;
      // Receipts for a command another console sent: that console reports them.
      if (row) this.onStatus(this.status(row, this.link?.partsOf(id) ?? parts));
    };
    if (wait === 0) emit();
    else this.pendingEmit.set(id, setTimeout(emit, wait));
  }

  close(): void {
    for (const timer of this.pendingEmit.values()) clearTimeout(timer);
    this.pendingEmit.clear();
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
    };
  }
}
