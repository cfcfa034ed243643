/**
 * The console's end of the hub's ordered ticket stream: events arrive live (`receive`), possibly out of order or
 * with gaps (a dropped connection, a restart); they are applied strictly in sequence, in batches of one transaction,
 * and whatever is missing is asked for with `since` from the last sequence applied until the hub says there is no
 * more. Callers that submitted a transition wait for it with `appliedThrough(seq)`.
 *
 * The cursor is a position in one hub tier's stream, which the hub names (`TicketsSince.stream`). After every
 * (re)connection nothing is applied until the hub's answer names the stream this store follows (a store that follows
 * none yet adopts it); a hub whose log was reset, or another tier, is refused loudly — its events numbered from 1
 * again would otherwise be skipped or mixed in without a word — until a hub of the right stream answers.
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
  /** The hub offers another stream than the store follows (a message for the operator), or null once it is right. */
  onStreamProblem?: (problem: StreamProblem | null) => void;
  log: (event: string, fields: Record<string, unknown>) => void;
}

/** A hub whose stream is not the one this store follows. */
export interface StreamProblem {
  following: string;
  offered: string;
  zh: string;
  en: string;
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
  /** Whether the hub's answer since the last (re)connection named the stream this store follows. */
  private verified = false;
  private problem: StreamProblem | null = null;

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
    // Another stream's events are not kept: nothing of them may reach this store.
    if (this.problem || event.seq <= this.cursor) return;
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
    this.verified = false;
    this.schedule();
  }

  /** Why the hub's events are refused, if they are. */
  get streamProblem(): StreamProblem | null {
    return this.problem;
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
      while (this.verified && batch.length < BATCH && this.pending.has(cursor + 1 + batch.length)) {
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
      if (!(this.catchUp || this.pending.size > 0 || !this.verified) || !this.options.link.connected) return;
      this.catchUp = false;
      const answer = await this.options.link.since(cursor);
      if (!this.follows(answer.stream)) return;
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

  /** Checks the stream the hub names against the one this store follows (adopting it when the store follows none). */
  private follows(offered: unknown): boolean {
    if (typeof offered !== 'string' || offered.length === 0 || offered.length > 100) {
      this.options.log('tickets.stream-unnamed', { note: 'the hub did not name its ticket stream' });
      this.refuse(this.options.applier.stream() ?? '(none)', String(offered).slice(0, 100));
      return false;
    }
    const following = this.options.applier.stream() ?? this.options.applier.follow(offered);
    if (following !== offered) {
      this.refuse(following, offered);
      return false;
    }
    this.verified = true;
    if (this.problem) {
      this.problem = null;
      this.options.log('tickets.stream-resumed', { stream: offered });
      this.options.onStreamProblem?.(null);
    }
    return true;
  }

  private refuse(following: string, offered: string): void {
    this.pending.clear();
    if (this.problem?.offered === offered) return;
    this.problem = {
      following,
      offered,
      zh: `指挥中枢的工单流（${offered}）不是本机所跟随的（${following}）：已拒收其工单，以免漏收或混入。请连接原中枢，或重新导入城市后跟随新的中枢。`,
      en: `The hub's ticket stream (${offered}) is not the one this console follows (${following}): its tickets are refused, so that none is skipped or mixed in. Connect to the original hub, or re-import the city to follow a new one.`,
    };
    this.options.log('tickets.stream-mismatch', { following, offered, cursor: this.cursor });
    this.options.onStreamProblem?.(this.problem);
  }

  private settleWaiters(): void {
    const cursor = this.cursor;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.seq <= cursor) this.waiters.splice(i, 1)[0]!.resolve(true);
    }
  }
}
