/**
 * The ticket window the heatmap shows (end, span, filters) and its answer from the main process. The latest request
 * wins: answers to superseded windows (a slider being dragged) are dropped.
 */
import { useEffect, useRef, useState } from 'react';
import type { Heatmap, TicketFilters } from '../../shared/contract';
import { useApi } from '../app/providers/connection-context';

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

export function useTicketHeatmap(cityReady: boolean): TicketHeatmapState {
  const api = useApi();
  const [filters, setFilters] = useState<TicketFilters>();
  const [window, setWindow] = useState<TicketWindow>();
  const [heatmap, setHeatmap] = useState<TicketHeatmapState['heatmap']>();
  const latest = useRef(0);

  useEffect(() => {
    if (!cityReady) return;
    api.tickets.getFilters({}).then(
      (next) => {
        setFilters(next);
        // Start on the last 30 days of the history.
        if (next.last !== null) setWindow({ to: Math.ceil((next.last + 1) / HOUR) * HOUR, span: 30 * DAY });
      },
      (error: unknown) => console.error('gridline: tickets.getFilters failed', error),
    );
  }, [api, cityReady]);

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
