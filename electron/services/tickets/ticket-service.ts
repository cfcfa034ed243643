/**
 * The ticket history as the console queries it: the heatmap over any window and the filters to offer. The in-memory
 * columns are loaded on the first query once the city is complete, and dropped when an import replaces tickets.
 */
import { ContractError, type Heatmap, type TicketFilters } from '../../../shared/contract';
import { CHANNELS } from '../../../shared/domain/channels';
import { categoryGroupOf, heatmapCellCentre } from '../../../shared/domain/heatmap-grid';
import type { Store } from '../store/store';
import { TicketHeatmap, type HeatmapQuery } from './ticket-heatmap';

export class TicketService {
  private heatmap: TicketHeatmap | undefined;

  constructor(
    private readonly store: Store,
    /** Whether the city (tickets included) is complete; queries wait for it. */
    private readonly cityReady: () => boolean,
  ) {}

  /** Drops the loaded columns (an import changed the tickets). */
  invalidate(): void {
    this.heatmap = undefined;
  }

  /** A live ticket: added to the loaded columns (a later load reads it from the store with the rest). */
  appendLive(reportedAt: number, lng: number, lat: number, channelId: number, categoryCode: string): void {
    this.heatmap?.append(reportedAt, lng, lat, channelId, categoryGroupOf(categoryCode));
  }

  getFilters(): TicketFilters {
    const db = this.store.reader();
    const span = db.prepare('SELECT MIN(reported_at) AS first, MAX(reported_at) AS last FROM tickets').get() as {
      first: number | null;
      last: number | null;
    };
    const groups = db
      .prepare('SELECT code, name, name_en AS nameEn FROM categories WHERE level = 1 ORDER BY code')
      .all() as { code: string; name: string; nameEn: string }[];
    return {
      first: span.first,
      last: span.last,
      channels: CHANNELS.map(({ id, name, nameEn }) => ({ id, name, nameEn })),
      categoryGroups: groups.map((group) => ({
        group: Number(group.code) - 1,
        name: group.name,
        nameEn: group.nameEn,
      })),
      counties: this.counties(),
    };
  }

  /**
   * The city's county-level units (code, name, English name), by code: what the ticket board's county filter offers.
   * Not yet part of `tickets.getFilters`' answer: its schema (shared/contract/schemas.ts) has no place for them.
   */
  counties(): { code: string; name: string; nameEn: string }[] {
    return this.store.reader().prepare('SELECT code, name, name_en AS nameEn FROM counties ORDER BY code').all() as {
      code: string;
      name: string;
      nameEn: string;
    }[];
  }

  getHeatmap(query: HeatmapQuery): Heatmap {
    if (!this.cityReady()) {
      throw new ContractError({ code: 'unavailable', message: 'the ticket history is still being generated' });
    }
    this.heatmap ??= TicketHeatmap.load(this.store);
    const bins = this.heatmap.query(query);
    const positions = new Float32Array(bins.cells.length * 2);
    let maxCount = 0;
    bins.cells.forEach((cell, i) => {
      const [lng, lat] = heatmapCellCentre(cell);
      positions[i * 2] = lng;
      positions[i * 2 + 1] = lat;
      maxCount = Math.max(maxCount, bins.counts[i]!);
    });
    return { positions, counts: bins.counts, total: bins.total, maxCount };
  }
}
