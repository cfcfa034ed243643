/**
 * The open live tickets for the map (typed arrays), fetched once the city is ready and again on `tickets.changed`
 * (at most ~4 times a second). The latest request wins.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LiveTicketPoints } from '../../shared/contract';
import { useApi } from '../app/providers/connection-context';
import { LIVE_REFETCH_MS } from './throttle';
import { useTicketsChanged } from './use-tickets-changed';

export function useLiveTickets(cityReady: boolean): LiveTicketPoints | undefined {
  const api = useApi();
  const [points, setPoints] = useState<LiveTicketPoints>();
  const latest = useRef(0);
  const fetchPoints = useCallback(() => {
    const request = ++latest.current;
    api.tickets.getLivePoints({}).then(
      (next) => {
        if (request === latest.current) setPoints(next);
      },
      (error: unknown) => console.error('gridline: tickets.getLivePoints failed', error),
    );
  }, [api]);
  useEffect(() => {
    if (cityReady) fetchPoints();
  }, [cityReady, fetchPoints]);
  useTicketsChanged(LIVE_REFETCH_MS, fetchPoints, cityReady);
  return points;
}
