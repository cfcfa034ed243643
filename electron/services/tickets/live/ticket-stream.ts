/**
 * The console's end of the hub's ordered ticket stream: events arrive live (`receive`), possibly out of order or
 * with gaps (a dropped connection, a restart); they are applied strictly in sequence, in batches of one transaction,
 * and whatever is missing is asked for with `since` from the last sequence applied until the hub says there is no
 * more. Callers that submitted a transition wait for it with `appliedThrough(seq)`.
 */
import {
  ticketEventMessageSchema,
  type TicketEventMessage,
  type TicketsSince,
  type TicketTransitionAck,
  type TicketTransitionSubmit,
} from '../../../../shared/protocol/hub-protocol';
import type { AppliedChange, DispatchProposal, LiveTicketApplier } from './live-ticket-applier';

/** What the stream needs of the hub link. */
export interface TicketStreamLink {
  readonly connected: boolean;
  since(seq: number): Promise<TicketsSince>;
  submit(submit: TicketTransitionSubmit): Promise<TicketTransitionAck>;
}

export interface TicketStreamOptions {
  applier: LiveTicketApplier;
  link: TicketStreamLink;
  /** After each committed batch: what changed, and the dispatches to propose. */
  onApplied: (changes: AppliedChange[], proposals: DispatchProposal[]) => void;
  log: (event: string, fields: Record<string, unknown>) => void;
}

/** Events per transaction: large enough for a storm's throughput, small enough to keep the main process responsive. */
const BATCH = 500;
/** How long a drain waits for more events to arrive before it applies them. */
const COALESCE_MS = 10;
/** Live events held while a gap is fetched; more than this and the oldest are dropped (`since` brings them back). */
const MAX_PENDING = 50_000;

export class TicketStream {
  private readonly pending = new Map<number, TicketEventMessage>();
  private running = false;
  private catchUp = true;
  private readonly waiters: { seq: number; resolve: (applied: boolean) => void }[] = [];
  private closed = false;

  constructor(private readonly options: TicketStreamOptions) {}

  /** The last sequence number applied to the store. */
  get cursor(): number {
    return this.options.applier.cursor();
  }

  /** An event as the hub sent it (checked here: the hub is outside this process). */
  receive(raw: unknown): void {
    const checked = ticketEventMessageSchema.safeParse(raw);
    if (!checked.success) {
      this.options.log('tickets.stream-rejected', { reason: checked.error.issues[0]?.message ?? 'malformed' });
      // A gap is left where it was; `since` asks for it again and records it if it is malformed there too.
      this.catchUp = true;
      this.schedule();
      return;
    }
    const event = checked.data as TicketEventMessage;
    if (event.seq <= this.cursor) return;
    if (this.pending.size >= MAX_PENDING) {
      this.pending.delete(Math.min(...this.pending.keys()));
      this.catchUp = true;
    }
    this.pending.set(event.seq, event);
    this.schedule();
  }

  /** The link (re)connected: ask for whatever was missed. */
  resync(): void {
    this.catchUp = true;
    this.schedule();
  }

  /** Resolves true once the store has applied `seq`, false after `timeoutMs`. */
  appliedThrough(seq: number, timeoutMs = 5000): Promise<boolean> {
    if (this.cursor >= seq) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { seq, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) {
          this.waiters.splice(at, 1);
          resolve(this.cursor >= seq);
        }
      }, timeoutMs).unref?.();
    });
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.resolve(false);
  }

  private schedule(): void {
    if (this.running || this.closed) return;
    this.running = true;
    // A couple of milliseconds' wait gathers a storm's events into one transaction each (one commit for tens of
    // tickets instead of one each), for a latency nobody sees.
    setTimeout(() => {
      this.drain()
        .catch((error: unknown) => this.options.log('tickets.stream-failed', { error: String(error) }))
        .finally(() => {
          this.running = false;
          if (!this.closed && this.hasNext()) this.schedule();
        });
    }, COALESCE_MS);
  }

  private hasNext(): boolean {
    return this.pending.has(this.cursor + 1);
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const cursor = this.cursor;
      for (const seq of this.pending.keys()) if (seq <= cursor) this.pending.delete(seq);
      const batch: TicketEventMessage[] = [];
      while (batch.length < BATCH && this.pending.has(cursor + 1 + batch.length)) {
        batch.push(this.pending.get(cursor + 1 + batch.length)!);
      }
      if (batch.length > 0) {
        for (const event of batch) this.pending.delete(event.seq);
        const { changes, proposals } = this.options.applier.applyBatch(batch);
        this.settleWaiters();
        this.options.onApplied(changes, proposals);
        // Let windows and sockets breathe between batches of a storm.
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      if (!(this.catchUp || this.pending.size > 0) || !this.options.link.connected) return;
      this.catchUp = false;
      const answer = await this.options.link.since(cursor);
      let fetched = 0;
      for (const raw of answer.events) {
        const checked = ticketEventMessageSchema.safeParse(raw);
        if (checked.success) {
          if (checked.data.seq > cursor) this.pending.set(checked.data.seq, checked.data as TicketEventMessage);
          fetched++;
        } else {
          const { seq, id } = (raw ?? {}) as { seq?: unknown; id?: unknown };
          if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq > cursor) {
            this.options.applier.rejectMalformed(
              seq,
              typeof id === 'string' ? id.slice(0, 40) : '?',
              checked.error.issues[0]?.message ?? 'malformed',
              raw,
            );
            fetched++;
          }
        }
      }
      if (answer.more) this.catchUp = true;
      if (fetched === 0 && !this.hasNext()) {
        if (this.pending.size > 0) {
          this.options.log('tickets.stream-gap', { cursor, next: Math.min(...this.pending.keys()) });
        }
        return;
      }
    }
  }

  private settleWaiters(): void {
    const cursor = this.cursor;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.seq <= cursor) this.waiters.splice(i, 1)[0]!.resolve(true);
    }
  }
}
