/**
 * The KPI dashboard's figures (closure rate, satisfaction, mean and median handling time, overdue tickets) for today,
 * this month or a custom window, in total and by county-level unit, channel or category — computed live, per query,
 * from the in-memory KPI index (kpi-index.ts, where the definitions are), never from stored figures.
 *
 * The index is read from the store once: on the first query (synchronously: 7.5 s at full scale on the busy 2-core
 * build machine, tests/bench/results/tickets-kpi.json) or ahead of it with `warmUp()`, which yields to the event loop
 * between chunks of 65,536 tickets (the final sort, about 2 s of that, still runs in one piece). Intake and
 * transitions keep it in step through `append` and `update`; changes that arrive while it loads are replayed once it
 * is ready (both are idempotent, and a row read after its change already carries it). `invalidate()` after an import
 * replaced the city or its tickets.
 */
import { ContractError } from '../../../../shared/contract';
import { presetWindow, type TimePreset, type TimeWindow } from '../../../../shared/domain/beijing-time';
import type { Store } from '../../store/store';
import { KpiDimensions, type CategoryLevel } from './kpi-dimensions';
import {
  KpiIndex,
  type KpiFilters,
  type KpiGroupBy,
  type KpiIndexOptions,
  type KpiResult,
  type KpiTicket,
  type KpiTicketChanges,
} from './kpi-index';
import { readKpiRows } from './kpi-rows';

/** Today or this month (Beijing calendar), or any window of epoch seconds (`from` inclusive, `to` exclusive). */
export type KpiRange = TimePreset | TimeWindow;

export interface KpiRequest {
  range: KpiRange;
  groupBy: KpiGroupBy;
  /** Category level to group by (groupBy 'category'): 1 field, 2 subject, 3 leaf; 1 when absent. */
  categoryLevel?: CategoryLevel;
  filters?: KpiFilters;
}

export interface KpiAnswer extends KpiResult {
  /** The preset asked for, or null for a custom window. */
  preset: TimePreset | null;
  /** Tickets the index holds. */
  tickets: number;
}

function expectedTickets(store: Store): number {
  return (store.reader().prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n;
}

/** Reads the whole index from the store, blocking (7.5 s at 7.2 million tickets on the busy build machine). */
export function loadKpiIndex(store: Store, options: KpiIndexOptions = {}): KpiIndex {
  const dimensions = KpiDimensions.load(store);
  return KpiIndex.build(dimensions, readKpiRows(store.reader()), expectedTickets(store), options);
}

/** The same, yielding to the event loop between chunks. */
export async function loadKpiIndexAsync(store: Store): Promise<KpiIndex> {
  const dimensions = KpiDimensions.load(store);
  const builder = KpiIndex.builder(dimensions, expectedTickets(store));
  for (const rows of readKpiRows(store.reader())) {
    builder.add(rows);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return builder.finish();
}

type Change = (index: KpiIndex) => void;

export class KpiService {
  private index: KpiIndex | undefined;
  private loading: Promise<KpiIndex> | undefined;
  /** Changes seen while the index loads, replayed once it is ready. */
  private pending: Change[] = [];
  /** Bumped by `invalidate`, so a load begun before it is discarded. */
  private generation = 0;

  constructor(
    private readonly store: Store,
    /** Whether the city (tickets included) is complete; queries wait for it. */
    private readonly cityReady: () => boolean,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** The window a range stands for at this moment. */
  window(range: KpiRange): TimeWindow {
    return typeof range === 'string' ? presetWindow(range, this.now()) : range;
  }

  query(request: KpiRequest): KpiAnswer {
    const { from, to } = this.window(request.range);
    if (!Number.isInteger(from) || !Number.isInteger(to) || to <= from) {
      throw new ContractError({
        code: 'invalid-input',
        message: 'the window must end after it starts (epoch seconds)',
      });
    }
    const index = this.ready();
    const result = index.query({
      from,
      to,
      now: this.now(),
      groupBy: request.groupBy,
      ...(request.categoryLevel ? { categoryLevel: request.categoryLevel } : {}),
      ...(request.filters ? { filters: request.filters } : {}),
    });
    return { ...result, preset: typeof request.range === 'string' ? request.range : null, tickets: index.size };
  }

  /** Loads the index ahead of the first query, without blocking the event loop for long. */
  warmUp(): Promise<void> {
    if (this.index) return Promise.resolve();
    if (!this.cityReady()) return Promise.reject(new Error('the ticket history is still being generated'));
    return this.startLoading().then(() => undefined);
  }

  /** A new ticket (live intake). */
  append(ticket: KpiTicket): void {
    this.apply((index) => index.append(ticket));
  }

  /** A transition of a ticket; false when the loaded index does not hold it. */
  update(id: number, changes: KpiTicketChanges): boolean {
    let held = true;
    this.apply((index) => {
      held = index.update(id, changes);
    });
    return held;
  }

  /** Drops the index (an import replaced the city or its tickets); the next query or warm-up reads it again. */
  invalidate(): void {
    this.index = undefined;
    this.loading = undefined;
    this.pending = [];
    this.generation++;
  }

  private apply(change: Change): void {
    if (this.index) change(this.index);
    else if (this.loading) this.pending.push(change);
    // Not loaded: the load will read the store, which already holds the change.
  }

  private ready(): KpiIndex {
    if (this.index) return this.index;
    if (!this.cityReady()) {
      throw new ContractError({ code: 'unavailable', message: 'the ticket history is still being generated' });
    }
    if (this.loading) {
      throw new ContractError({ code: 'unavailable', message: 'the ticket figures are still loading' });
    }
    return this.adopt(loadKpiIndex(this.store));
  }

  private startLoading(): Promise<KpiIndex> {
    if (this.loading) return this.loading;
    const generation = this.generation;
    const loading = loadKpiIndexAsync(this.store).then((index) => {
      if (generation !== this.generation) return this.startLoading();
      this.loading = undefined;
      return this.adopt(index);
    });
    this.loading = loading;
    loading.catch(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    return loading;
  }

  private adopt(index: KpiIndex): KpiIndex {
    for (const change of this.pending) change(index);
    this.pending = [];
    this.index = index;
    return index;
  }
}
