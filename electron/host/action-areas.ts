/**
 * Where each territorial contract entry acts, resolved from its validated input by the main process (never taken
 * from the renderer's word): a broadcast's target, a sent broadcast's recorded target, a worker's grid, a ticket's grid. The access
 * gate compares the area with the operator's scope before the handler runs.
 */
import { ContractError, type BroadcastTarget } from '../../shared/contract';
import type { ActionArea } from '../../shared/domain/authority';
import type { ModeScope } from '../../shared/domain/modes/mode-scope';
import type { BroadcastService } from '../services/broadcast/broadcast-service';
import type { GridTerritory } from '../services/city/grid-territory';
import type { Store } from '../services/store/store';
import type { AreaResolvers } from './access-control';

/** The area a broadcast target covers: the city, whole county-level units, or the places of its grids. */
export function targetArea(
  target: BroadcastTarget,
  territory: GridTerritory,
  broadcasts: BroadcastService,
): ActionArea {
  if (target.kind === 'city') return { cityWide: true };
  const places =
    target.kind === 'counties'
      ? territory.countiesOf(target.ids)
      : territory.placesOf(target.kind === 'grids' ? target.ids : (broadcasts.resolve(target).grids ?? []));
  // Every county (or every street) picked one by one, or a polygon round the whole city, is the whole city.
  return territory.coversCity(places) ? { cityWide: true } : { cityWide: false, places };
}

const notFound = (what: string): ContractError => new ContractError({ code: 'refused', message: `${what} not found` });

export function createAreaResolvers(
  store: Store,
  territory: GridTerritory,
  broadcasts: BroadcastService,
  ticketGrid: (id: number) => number | undefined,
  modeTarget: (scope: ModeScope) => BroadcastTarget,
): AreaResolvers {
  /** A ticket's place: its grid's county and street (the ticket's, never the renderer's word). */
  const ticketArea = (...ids: number[]): ActionArea => {
    const grids = ids.map((id) => {
      const grid = ticketGrid(id);
      if (grid === undefined) throw notFound(`ticket ${id}`);
      return grid;
    });
    return { cityWide: false, places: territory.placesOf(grids) };
  };
  return {
    'tickets.handle': ({ id }: { id: number }) => ticketArea(id),
    'tickets.close': ({ id }: { id: number }) => ticketArea(id),
    'tickets.reroute': ({ id }: { id: number }) => ticketArea(id),
    'tickets.merge': ({ id, into }: { id: number; into: number }) => ticketArea(id, into),
    'broadcast.send': ({ target }: { target: BroadcastTarget }) => targetArea(target, territory, broadcasts),
    // An emergency's scope covers the same places as a broadcast to it; profiles are the whole city's policy.
    'modes.switch': ({ scope }: { scope: ModeScope }) => targetArea(modeTarget(scope), territory, broadcasts),
    'modes.saveProfile': () => ({ cityWide: true }),
    'broadcast.resend': ({ id }: { id: string }) => {
      const stored = store.reader().prepare('SELECT target FROM broadcasts WHERE id = ?').pluck().get(id) as
        string | undefined;
      if (stored === undefined) throw notFound(`broadcast ${JSON.stringify(id)}`);
      return targetArea(JSON.parse(stored) as BroadcastTarget, territory, broadcasts);
    },
    'workers.getPersonal': ({ id }: { id: number }) => {
      const grid = store.reader().prepare('SELECT grid_id FROM workers WHERE id = ?').pluck().get(id) as
        number | undefined;
      if (grid === undefined) throw notFound(`worker ${id}`);
      return { cityWide: false, places: territory.placesOf([grid]) };
    },
  };
}
