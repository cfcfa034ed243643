/**
 * Who got what, per hub, without an object or an event per worker: every worker connected to this hub has a slot
 * (a small integer), and every live command keeps three bitsets over the slots — sent, delivered, read — plus counts
 * per L1 grid and a latency histogram. A receipt is a few bit operations; the console's aggregate is read off the
 * counters.
 */
import { LATENCY_BUCKETS_MS, type CommandReceiptPart, type PendingWorkers } from '../../shared/protocol/hub-protocol';
import type { LoggedCommand } from './command-log';

/** A growable bitset over slots. */
export class Bitset {
  private words = new Uint32Array(1024);

  has(i: number): boolean {
    const word = i >>> 5;
    return word < this.words.length && (this.words[word]! & (1 << (i & 31))) !== 0;
  }

  /** Sets the bit; false when it was already set. */
  add(i: number): boolean {
    const word = i >>> 5;
    if (word >= this.words.length) {
      const grown = new Uint32Array(Math.max(word + 1, this.words.length * 2));
      grown.set(this.words);
      this.words = grown;
    }
    const bit = 1 << (i & 31);
    if (this.words[word]! & bit) return false;
    this.words[word]! |= bit;
    return true;
  }

  /** Calls `visit` for every slot in this set and not in `other`. */
  forEachNotIn(other: Bitset, visit: (i: number) => void): void {
    for (let word = 0; word < this.words.length; word++) {
      let bits = this.words[word]! & ~(other.words[word] ?? 0);
      while (bits !== 0) {
        const low = bits & -bits;
        visit(word * 32 + 31 - Math.clz32(low));
        bits ^= low;
      }
    }
  }
}

/** This hub's workers: slot ↔ worker id, and each slot's L1 grid (as an index into `l1Ids`). */
export class WorkerSlots {
  private readonly slotOf = new Map<number, number>();
  private readonly l1IndexOf = new Map<number, number>();
  workerIds = new Int32Array(1024);
  l1Index = new Int32Array(1024);
  readonly l1Ids: number[] = [];
  size = 0;

  /** The worker's slot (the same one again on reconnect). */
  admit(workerId: number, l1: number): number {
    let l1Index = this.l1IndexOf.get(l1);
    if (l1Index === undefined) {
      l1Index = this.l1Ids.push(l1) - 1;
      this.l1IndexOf.set(l1, l1Index);
    }
    let slot = this.slotOf.get(workerId);
    if (slot === undefined) {
      slot = this.size++;
      if (slot >= this.workerIds.length) {
        this.workerIds = grow(this.workerIds);
        this.l1Index = grow(this.l1Index);
      }
      this.slotOf.set(workerId, slot);
      this.workerIds[slot] = workerId;
    }
    this.l1Index[slot] = l1Index;
    return slot;
  }
}

function grow(array: Int32Array): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}

function bucketOf(ms: number): number {
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) if (ms <= LATENCY_BUCKETS_MS[i]!) return i;
  return LATENCY_BUCKETS_MS.length;
}

export class CommandDelivery {
  readonly sent = new Bitset();
  readonly delivered = new Bitset();
  readonly read = new Bitset();
  private counts = { sent: 0, delivered: 0, read: 0 };
  private l1Sent: number[] = [];
  private l1Delivered: number[] = [];
  private l1Read: number[] = [];
  private readonly latency = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  /** Changed since the last receipt went out. */
  dirty = true;

  constructor(
    readonly command: LoggedCommand,
    private readonly slots: WorkerSlots,
  ) {}

  private bump(perL1: number[], slot: number): void {
    const l1 = this.slots.l1Index[slot]!;
    perL1[l1] = (perL1[l1] ?? 0) + 1;
    this.dirty = true;
  }

  /** Every worker sent to has delivered (or read, for `read`): worth telling the consoles at once. */
  complete(kind: 'delivered' | 'read'): boolean {
    return this.counts.sent > 0 && this.counts[kind] === this.counts.sent;
  }

  markSent(slot: number): boolean {
    if (!this.sent.add(slot)) return false;
    this.counts.sent++;
    this.bump(this.l1Sent, slot);
    return true;
  }

  /** A delivered receipt; false if the slot was never sent this command or had already confirmed. */
  markDelivered(slot: number, now: number): boolean {
    if (!this.sent.has(slot) || !this.delivered.add(slot)) return false;
    this.counts.delivered++;
    this.bump(this.l1Delivered, slot);
    this.latency[bucketOf(Math.max(0, now - this.command.sentAt))]!++;
    return true;
  }

  /** A read receipt (implies delivered). */
  markRead(slot: number, now: number): boolean {
    if (!this.sent.has(slot)) return false;
    this.markDelivered(slot, now);
    if (!this.read.add(slot)) return false;
    this.counts.read++;
    this.bump(this.l1Read, slot);
    return true;
  }

  /** Sent but not acknowledged: not delivered, or not read where reading must be acknowledged. */
  forEachPending(visit: (slot: number) => void): void {
    this.sent.forEachNotIn(this.command.ackRequired ? this.read : this.delivered, visit);
  }

  pending(cap: number): PendingWorkers {
    const workers: number[] = [];
    let total = 0;
    this.forEachPending((slot) => {
      total++;
      if (workers.length < cap) workers.push(this.slots.workerIds[slot]!);
    });
    return { id: this.command.id, workers, total };
  }

  part(): CommandReceiptPart {
    const l1 = this.slots.l1Ids.map((_, i) => i).filter((i) => (this.l1Sent[i] ?? 0) > 0);
    return {
      id: this.command.id,
      seq: this.command.seq,
      sentAt: this.command.sentAt,
      ...this.counts,
      l1: l1.map((i) => this.slots.l1Ids[i]!),
      l1Sent: l1.map((i) => this.l1Sent[i] ?? 0),
      l1Delivered: l1.map((i) => this.l1Delivered[i] ?? 0),
      l1Read: l1.map((i) => this.l1Read[i] ?? 0),
      latency: [...this.latency],
    };
  }
}
