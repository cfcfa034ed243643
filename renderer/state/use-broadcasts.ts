/**
 * The hub link's state and this console's broadcasts with their live receipts: the list once, then every
 * `broadcast.receipts` event replaces its broadcast's status (newest first). Escalations that arrive while the window
 * is open are kept by broadcast (`broadcast.escalated`); a window opened later asks for them (`broadcast.escalations`).
 */
import { useCallback, useEffect, useState } from 'react';
import type { BroadcastEscalation, BroadcastStatus, HubStatus } from '../../shared/contract';
import { useApi } from '../app/providers/connection-context';

export interface BroadcastsState {
  hub: HubStatus | undefined;
  broadcasts: BroadcastStatus[];
  /** The latest escalation heard per broadcast id. */
  escalations: ReadonlyMap<string, BroadcastEscalation>;
  /** A status just returned by `broadcast.send`. */
  add: (status: BroadcastStatus) => void;
}

function upsert(list: BroadcastStatus[], status: BroadcastStatus): BroadcastStatus[] {
  const rest = list.filter((entry) => entry.id !== status.id);
  return [status, ...rest].sort((a, b) => b.sentAt - a.sentAt);
}

export function useBroadcasts(): BroadcastsState {
  const api = useApi();
  const [hub, setHub] = useState<HubStatus>();
  const [broadcasts, setBroadcasts] = useState<BroadcastStatus[]>([]);
  const [escalations, setEscalations] = useState<ReadonlyMap<string, BroadcastEscalation>>(new Map());
  useEffect(() => {
    const offHub = api.events.on('hub.statusChanged', setHub);
    const offReceipts = api.events.on('broadcast.receipts', (status) =>
      setBroadcasts((previous) => upsert(previous, status)),
    );
    const offEscalated = api.events.on('broadcast.escalated', (escalation) =>
      setEscalations((previous) => new Map(previous).set(escalation.id, escalation)),
    );
    api.hub.getStatus({}).then(setHub, (error: unknown) => console.error('gridline: hub.getStatus failed', error));
    api.broadcast.list({}).then(
      (list) => setBroadcasts((previous) => list.reduce(upsert, previous)),
      (error: unknown) => console.error('gridline: broadcast.list failed', error),
    );
    return () => {
      offHub();
      offReceipts();
      offEscalated();
    };
  }, [api]);
  const add = useCallback((status: BroadcastStatus) => setBroadcasts((previous) => upsert(previous, status)), []);
  return { hub, broadcasts, escalations, add };
}
