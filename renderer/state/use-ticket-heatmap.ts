/**
 * The ticket window the heatmap shows (end, span, filters) and its answer from the main process. The latest request
 * wins: answers to superseded windows (a slider being dragged) are dropped. New live tickets (`tickets.changed`, at
 * most once a second) refetch it; a window that ends at the newest ticket moves on with the intake.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Heatmap, TicketFilters } from '../../shared/contract';
import { useApi } from '../app/providers/connection-context';
import { SLOW_REFETCH_MS } from './throttle';
import { useTicketsChanged } from './use-tickets-changed';

export const HOUR = 3600;
export const DAY = 24 * HOUR;

export interface TicketWindow {
  /** Epoch seconds, exclusive end. */
  to: number;
  span: number;
  channel?: number;
  categoryGroup?: number;
}

export interface TicketHeatmapState {
  filters: TicketFilters | undefined;
  window: TicketWindow | undefined;
  setWindow: (window: TicketWindow) => void;
  heatmap: (Heatmap & { weights: Float32Array }) | undefined;
}

/** The end of a window that holds the newest ticket: the hour after it. */
export const latestEnd = (last: number): number => Math.ceil((last + 1) / HOUR) * HOUR;

export function useTicketHeatmap(cityReady: boolean): TicketHeatmapState {
  const api = useApi();
  const [filters, setFilters] = useState<TicketFilters>();
  const [window, setWindow] = useState<TicketWindow>();
  const [heatmap, setHeatmap] = useState<TicketHeatmapState['heatmap']>();
  const latest = useRef(0);
  /** The newest ticket's time as last heard, to tell whether the window follows the intake. */
  const newest = useRef<number | null>(null);

  useEffect(() => {
    if (!cityReady) return;
    api.tickets.getFilters({}).then(
      (next) => {
        newest.current = next.last;
        setFilters(next);
        // Start on the last 30 days of the history.
        if (next.last !== null) setWindow({ to: latestEnd(next.last), span: 30 * DAY });
      },
      (error: unknown) => console.error('gridline: tickets.getFilters failed', error),
    );
  }, [api, cityReady]);

  // New tickets: the same window asked again (a new object), or moved on when it ended at the newest ticket.
  const onChanged = useCallback(() => {
    api.tickets.getFilters({}).then(
      (next) => {
        const before = newest.current;
        newest.current = next.last;
        setFilters(next);
        setWindow((current) => {
          if (!current) return current;
          const following = before !== null && current.to === latestEnd(before);
          return following && next.last !== null ? { ...current, to: latestEnd(next.last) } : { ...current };
        });
      },
      (error: unknown) => console.error('gridline: tickets.getFilters failed', error),
    );
  }, [api]);
  useTicketsChanged(SLOW_REFETCH_MS, onChanged, cityReady);

  useEffect(() => {
    if (!cityReady || !window) return;
    const request = ++latest.current;
    api.tickets
      .getHeatmap({
        from: window.to - window.span,
        to: window.to,
        ...(window.channel === undefined ? {} : { channels: [window.channel] }),
        ...(window.categoryGroup === undefined ? {} : { categoryGroups: [window.categoryGroup] }),
      })
      .then(
        (next) => {
          if (request === latest.current) setHeatmap({ ...next, weights: Float32Array.from(next.counts) });
        },
        (error: unknown) => console.error('gridline: tickets.getHeatmap failed', error),
      );
  }, [api, cityReady, window]);

  return { filters, window, setWindow, heatmap };
}
