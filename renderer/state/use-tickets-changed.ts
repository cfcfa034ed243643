/**
 * Listens to `tickets.changed` and answers with the events heard since the last answer, throttled: the board, the
 * map's live tickets, the heatmap and the KPI dashboard each refetch at their own pace, however busy the intake.
 */
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { TicketChanged } from '../../shared/contract';
import { useApi } from '../app/providers/connection-context';
import { createThrottle } from './throttle';

export function useTicketsChanged(
  intervalMs: number,
  onChanged: (events: TicketChanged[]) => void,
  enabled = true,
): void {
  const api = useApi();
  const handler = useRef(onChanged);
  useLayoutEffect(() => {
    handler.current = onChanged;
  });
  useEffect(() => {
    if (!enabled) return;
    let heard: TicketChanged[] = [];
    const throttle = createThrottle(() => {
      const events = heard;
      heard = [];
      handler.current(events);
    }, intervalMs);
    const off = api.events.on('tickets.changed', (event) => {
      heard.push(event);
      throttle.call();
    });
    return () => {
      off();
      throttle.cancel();
    };
  }, [api, intervalMs, enabled]);
}
