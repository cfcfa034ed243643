/**
 * Who the broadcast being composed is for, as the commander builds it: the whole city, county-level units, grids of
 * one level picked from a list or on the map, a polygon or a radius drawn on the map. The console window owns it (the
 * map draws it and feeds it clicks; the desk edits it), so it outlives the desk being closed and opened again.
 *
 * Grids are picked per level: switching from L2 to L3 and back finds the L2 picks as they were, and the target is the
 * picks of the level on show. Picked grids and counties belong to one revision of the city: an import that replaces it
 * leaves nothing picked (the ids would now mean other places).
 */
import { useCallback, useMemo, useState } from 'react';
import type { Boundaries, BroadcastTarget, GridCard } from '../../shared/contract';
import type { TargetDrawing } from '../map/layers/broadcast/broadcast-layers';
import { gridFillGeometry, gridFillLayerId, gridIdAt } from '../map/layers/grid-fill/grid-fill-layer';
import type { MapPick } from '../map/map-view';
import { useApi } from '../app/providers/connection-context';

export const TARGET_MODES = ['city', 'counties', 'grids', 'polygon', 'radius'] as const;
export type TargetMode = (typeof TARGET_MODES)[number];

/** The levels a commander broadcasts to by grid (micro-grids are reached through their compound). */
export const PICK_LEVELS = ['L1', 'L2', 'L3', 'exclusive'] as const;
export type PickLevel = (typeof PICK_LEVELS)[number];

/** A grid in the target, as its chip shows it. */
export interface PickedGrid {
  id: number;
  code: string;
  name: string;
  /** Its parent grid, or the county for a street: names repeat across the city. */
  parent: string | null;
}

/** A first click sets the circle's centre with this radius; the next sets the edge. */
export const FIRST_RADIUS_M = 500;
const RADIUS_LIMITS_M = [50, 100_000] as const;

export interface BroadcastTargetState {
  mode: TargetMode;
  setMode: (mode: TargetMode) => void;
  counties: number[];
  setCounty: (id: number, chosen: boolean) => void;
  level: PickLevel;
  setLevel: (level: PickLevel) => void;
  /** The picks of the level on show, in the order they were picked. */
  picks: PickedGrid[];
  /** Adds a grid, or takes it out if it is already in. */
  togglePick: (grid: PickedGrid) => void;
  removePick: (id: number) => void;
  clearPicks: () => void;
  /** Map clicks add and remove grids of the level (instead of opening cards). */
  pickingOnMap: boolean;
  setPickingOnMap: (on: boolean) => void;
  drawing: TargetDrawing;
  clearDrawing: () => void;
  /** The target as the contract takes it, or undefined while it is incomplete. */
  target: BroadcastTarget | undefined;
  /** A click on the map: taken (true) when the current mode draws or picks with clicks. */
  onMapClick: (pick: MapPick) => boolean;
}

/** The picked grid a grid card describes. */
export function pickedFromCard(card: GridCard): PickedGrid {
  const { id, code, name } = card.grid;
  return { id, code, name, parent: card.parents.at(-1)?.name ?? card.county };
}

/** A radius drawing after a click: the first click (or one after a finished circle) centres it, the next sizes it. */
export function radiusAfterClick(previous: TargetDrawing['radius'], lng: number, lat: number): TargetDrawing['radius'] {
  const center = previous?.center;
  if (!center || previous.meters !== FIRST_RADIUS_M) return { center: [lng, lat], meters: FIRST_RADIUS_M };
  const metres = 111_320 * Math.hypot((lng - center[0]) * Math.cos((lat * Math.PI) / 180), lat - center[1]);
  return { center, meters: Math.max(RADIUS_LIMITS_M[0], Math.min(RADIUS_LIMITS_M[1], metres)) };
}

interface Chosen {
  /** The city revision the ids belong to. */
  revision: number;
  counties: number[];
  picks: Record<PickLevel, PickedGrid[]>;
}

const nothingChosen = (revision: number): Chosen => ({
  revision,
  counties: [],
  picks: { L1: [], L2: [], L3: [], exclusive: [] },
});

export function useBroadcastTarget(boundaries: readonly Boundaries[], revision: number): BroadcastTargetState {
  const api = useApi();
  const [mode, setModeState] = useState<TargetMode>('city');
  const [level, setLevel] = useState<PickLevel>('L2');
  const [stored, setChosen] = useState(() => nothingChosen(revision));
  const chosen = useMemo(() => (stored.revision === revision ? stored : nothingChosen(revision)), [stored, revision]);
  const choose = useCallback(
    (edit: (previous: Chosen) => Partial<Chosen>) =>
      setChosen((previous) => {
        const current = previous.revision === revision ? previous : nothingChosen(revision);
        return { ...current, ...edit(current) };
      }),
    [revision],
  );
  const [pickingOnMap, setPickingOnMap] = useState(false);
  const [drawing, setDrawing] = useState<TargetDrawing>({ polygon: [], radius: undefined });

  const setMode = useCallback((next: TargetMode) => {
    setModeState(next);
    if (next !== 'grids') setPickingOnMap(false);
  }, []);
  const setCounty = useCallback(
    (id: number, on: boolean) =>
      choose(({ counties }) => {
        const others = counties.filter((county) => county !== id);
        return { counties: on ? [...others, id] : others };
      }),
    [choose],
  );
  const { counties } = chosen;
  const picks = chosen.picks[level];
  const editPicks = useCallback(
    (edit: (picks: PickedGrid[]) => PickedGrid[]) =>
      choose((previous) => ({ picks: { ...previous.picks, [level]: edit(previous.picks[level]) } })),
    [choose, level],
  );
  const togglePick = useCallback(
    (grid: PickedGrid) =>
      editPicks((previous) =>
        previous.some((pick) => pick.id === grid.id)
          ? previous.filter((pick) => pick.id !== grid.id)
          : [...previous, grid],
      ),
    [editPicks],
  );
  const removePick = useCallback(
    (id: number) => editPicks((previous) => previous.filter((pick) => pick.id !== id)),
    [editPicks],
  );
  const clearPicks = useCallback(() => editPicks(() => []), [editPicks]);
  const clearDrawing = useCallback(() => setDrawing({ polygon: [], radius: undefined }), []);

  const target = useMemo((): BroadcastTarget | undefined => {
    switch (mode) {
      case 'city':
        return { kind: 'city' };
      case 'counties':
        return counties.length > 0 ? { kind: 'counties', ids: counties } : undefined;
      case 'grids':
        return picks.length > 0 ? { kind: 'grids', ids: picks.map((pick) => pick.id) } : undefined;
      case 'polygon':
        return drawing.polygon.length >= 3 ? { kind: 'polygon', ring: drawing.polygon } : undefined;
      case 'radius':
        return drawing.radius ? { kind: 'radius', ...drawing.radius } : undefined;
    }
  }, [mode, counties, picks, drawing]);

  const onMapClick = useCallback(
    ({ lng, lat, layerId, index }: MapPick): boolean => {
      if (mode === 'polygon') {
        setDrawing((previous) => ({ ...previous, polygon: [...previous.polygon, [lng, lat]] }));
        return true;
      }
      if (mode === 'radius') {
        setDrawing((previous) => ({ ...previous, radius: radiusAfterClick(previous.radius, lng, lat) }));
        return true;
      }
      if (mode !== 'grids' || !pickingOnMap) return false;
      // The fill of this very level was hit: its id is known. Otherwise (another level is filled at this zoom, or the
      // fill is hidden) the point finds the grid of the level.
      const filled = boundaries.find((candidate) => candidate.level === level);
      const id =
        index !== undefined && filled && layerId === gridFillLayerId(level)
          ? gridIdAt(gridFillGeometry(filled), index)
          : undefined;
      api.map.getGridCard(id === undefined ? { lng, lat, level } : { id }).then(
        (card) => {
          if (card?.grid.level === level) togglePick(pickedFromCard(card));
        },
        (error: unknown) => console.error('gridline: map.getGridCard failed', error),
      );
      return true;
    },
    [api, mode, pickingOnMap, level, boundaries, togglePick],
  );

  return {
    mode,
    setMode,
    counties,
    setCounty,
    level,
    setLevel,
    picks,
    togglePick,
    removePick,
    clearPicks,
    pickingOnMap,
    setPickingOnMap,
    drawing,
    clearDrawing,
    target,
    onMapClick,
  };
}
