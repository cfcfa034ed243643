/**
 * The console window: title bar (city, view role, language), the map, the status bar. Loads what the first slice
 * needs from the main process and raises the ready marker once the map has drawn the city.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  AppInfo,
  CityOutline,
  GridCard as GridCardData,
  PointCard as PointCardData,
  SearchHit,
} from '../../../shared/contract';
import type { Language } from '../../../shared/domain/language';
import { BOUNDARY_ORDER, createBoundariesLayer } from '../../map/layers/boundaries/boundaries-layer';
import { createCityOutlineLayer } from '../../map/layers/city-outline/city-outline-layer';
import {
  GRID_FILL_PREFIX,
  createExclusiveFillLayer,
  createGridFillLayer,
  fillLevelAt,
  gridFillGeometry,
  gridIdAt,
  metricScaleMax,
  metricValues,
} from '../../map/layers/grid-fill/grid-fill-layer';
import {
  createAckFillLayer,
  createTargetDrawingLayers,
  createTargetGridsLayer,
} from '../../map/layers/broadcast/broadcast-layers';
import { createLabelsLayer } from '../../map/layers/labels/labels-layer';
import { createSelectionLayer, type Selection } from '../../map/layers/selection/selection-layer';
import { cameraIconAtlas, createCamerasLayer } from '../../map/layers/cameras/cameras-layer';
import { createSensorsLayer } from '../../map/layers/sensors/sensors-layer';
import { createTicketHeatmapLayer } from '../../map/layers/ticket-heatmap/ticket-heatmap-layer';
import { createWorkersLayer } from '../../map/layers/workers/workers-layer';
import { LIVE_TICKETS_LAYER_ID, createLiveTicketsLayer } from '../../map/layers/live-tickets/live-tickets-layer';
import { MapView, type MapFocus, type MapPick } from '../../map/map-view';
import { BroadcastPanel } from '../../panels/broadcast/broadcast-panel';
import { CityImportDialog } from '../../panels/city-import/city-import-dialog';
import { CityProgress } from '../../panels/city-progress/city-progress';
import { DataNote } from '../../panels/data-note/data-note';
import { GridCard } from '../../panels/grid-card/grid-card';
import { PointCard } from '../../panels/point-card/point-card';
import { SearchBox } from '../../panels/search-box/search-box';
import { LayerPanel } from '../../panels/layer-panel/layer-panel';
import { StatusBar } from '../../panels/status-bar/status-bar';
import { TicketWindowPanel } from '../../panels/ticket-window/ticket-window-panel';
import { markAppState, markCityState, markMapDrawn } from '../../state/app-state';
import { useBroadcastTarget } from '../../state/use-broadcast-target';
import { useBroadcasts } from '../../state/use-broadcasts';
import { useCityStatus } from '../../state/use-city-status';
import { useGridMetrics } from '../../state/use-grid-metrics';
import { useSettings } from '../../state/use-settings';
import { useLayerSettings } from '../../state/use-layer-settings';
import { usePointLayers } from '../../state/use-point-layers';
import { useTicketHeatmap } from '../../state/use-ticket-heatmap';
import { useApi } from '../providers/connection-context';
import { OperatorMenu, type OperatorMenuItem } from '../session/operator-menu';
import { useSession } from '../session/session-context';
import { ConfirmationsTray } from '../../panels/confirmations/confirmations-tray';
import { AuditPanel } from '../../panels/audit/audit-panel';
import { UsersPanel } from '../../panels/users/users-panel';
import { TicketsPanel } from '../../panels/tickets/tickets-panel';
import { KpiDashboard } from '../../panels/kpi/kpi-dashboard';
import { ModesPanel } from '../../panels/modes/modes-panel';
import { useModePreset } from '../../state/mode-preset';
import { bySeverity } from '../../state/mode-preset';
import { useModes } from '../../state/use-modes';
import { ModeBand } from './mode-band';
import { useLiveTickets } from '../../state/use-live-tickets';

export type ViewRole = 'map';

type OpenCard = { kind: 'grid'; card: GridCardData } | { kind: 'point'; card: PointCardData };

/** How close the map flies to a ticket: its street and neighbours. */
const TICKET_ZOOM = 15;
/**
 * Where a ticket is shown: between the layer panel (left) and the ticket desk (board and detail as tickets-panel.css
 * sizes them, 60 px from the right edge), not under the desk.
 */
function ticketFocus(lng: number, lat: number): MapFocus {
  const width = window.innerWidth;
  const desk = Math.min(620, width / 2 - 100) + 10 + Math.min(460, width / 2 - 140);
  const target = Math.max((210 + width - 60 - desk) / 2, width / 4);
  return { lng, lat, zoom: TICKET_ZOOM, offsetX: Math.round(target - width / 2) };
}

/** Below this width the ticket desk and the KPI dashboard do not fit side by side: opening one closes the other. */
const BOTH_DESKS_MIN_WIDTH = 1500;

export function AppShell({ role }: { role: ViewRole }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { update } = useSettings();
  const [info, setInfo] = useState<AppInfo>();
  const [outline, setOutline] = useState<CityOutline>();
  const [failure, setFailure] = useState<string>();
  const [noteOpen, setNoteOpen] = useState(false);
  const [importOpen, setImportOpen] = useState(false);
  const [usersOpen, setUsersOpen] = useState(false);
  const [auditOpen, setAuditOpen] = useState(false);
  const [ticketsOpen, setTicketsOpen] = useState(false);
  const [kpiOpen, setKpiOpen] = useState(false);
  const [ticketId, setTicketId] = useState<number>();
  /** Which of the two desks is on top where they overlap (narrow screens): the one opened or touched last. */
  const [front, setFront] = useState<'tickets' | 'kpi'>('tickets');
  const { can } = useSession();
  const menuItems: OperatorMenuItem[] = [
    ...(can('users.manage') ? [{ id: 'users', label: t('operator.users'), onSelect: () => setUsersOpen(true) }] : []),
    ...(can('audit.read') ? [{ id: 'audit', label: t('operator.audit'), onSelect: () => setAuditOpen(true) }] : []),
  ];
  const city = useCityStatus();
  const cityState = city.status?.state;
  useEffect(() => {
    if (cityState) markCityState(cityState);
  }, [cityState]);

  const [zoom, setZoom] = useState(0);
  const [ownLayerSettings, setOwnLayerSetting] = useLayerSettings();
  // Emergency modes: the band on every window, and the most severe emergency's layer preset worn over the operator's
  // own settings (never saved over them: they come back exactly when the last emergency ends).
  const modes = useModes();
  const emergencies = useMemo(() => bySeverity(modes?.active ?? []), [modes]);
  const preset = useModePreset(ownLayerSettings, setOwnLayerSetting, emergencies[0]);
  const { settings: layerSettings, onChange: setLayerSetting, sensorKinds } = preset;
  const [modesOpen, setModesOpen] = useState(false);
  const tickets = useTicketHeatmap(cityState === 'ready');
  const points = usePointLayers(cityState === 'ready', city.status?.revision ?? 0);
  const liveTickets = useLiveTickets(cityState === 'ready');
  const [cameraAtlas] = useState(cameraIconAtlas);

  // The broadcast desk: while it is open, map clicks add a polygon's corners, set a circle, or pick grids (the target
  // decides), and the target is drawn on the map.
  const desk = useBroadcasts();
  const [broadcastOpen, setBroadcastOpen] = useState(false);
  const composer = useBroadcastTarget(city.boundaries, city.status?.revision ?? 0);
  // The mode desk's polygon scope is drawn the same way, with a drawing of its own.
  const modeDrawing = useBroadcastTarget(city.boundaries, city.status?.revision ?? 0);
  const drawingMode = modesOpen && modeDrawing.mode === 'polygon';
  const [ackShown, setAckShown] = useState<string>();
  const ackStatus = desk.broadcasts.find((status) => status.id === ackShown);
  const l1Boundaries = city.boundaries.find((boundaries) => boundaries.level === 'L1');
  const [card, setCard] = useState<OpenCard | null>(null);
  const selection = useMemo((): Selection | undefined => {
    if (card?.kind === 'point') return { kind: 'point', position: card.card.position };
    const boundaries = card && city.boundaries.find((candidate) => candidate.level === card.card.grid.level);
    return card && boundaries ? { kind: 'grid', boundaries, id: card.card.grid.id } : undefined;
  }, [card, city.boundaries]);

  // The grid fill colours the finest level drawn at this zoom by the chosen metric.
  const fillLevel = fillLevelAt(zoom);
  const metric = layerSettings.fill.metric ?? 'openTickets';
  const metrics = useGridMetrics(
    layerSettings.fill.visible && cityState === 'ready' ? fillLevel : undefined,
    city.status?.revision ?? 0,
  );
  const fillBoundaries = city.boundaries.find((boundaries) => boundaries.level === fillLevel);
  const exclusiveBoundaries = city.boundaries.find((boundaries) => boundaries.level === 'exclusive');
  const fill = useMemo(() => {
    if (!fillBoundaries || !metrics) return undefined;
    const geometry = gridFillGeometry(fillBoundaries);
    const values = metricValues(geometry.ids, metrics, metric);
    return { geometry, values, max: metricScaleMax(values) };
  }, [fillBoundaries, metrics, metric]);

  const pickBoundaries = city.boundaries.find((boundaries) => boundaries.level === composer.level);
  const targetLayers = useMemo(() => {
    if (!broadcastOpen) return [];
    if (composer.mode === 'grids') {
      return pickBoundaries && composer.picks.length > 0
        ? [
            createTargetGridsLayer(
              pickBoundaries,
              composer.picks.map((pick) => pick.id),
            ),
          ]
        : [];
    }
    return createTargetDrawingLayers(composer.drawing);
  }, [broadcastOpen, composer.mode, composer.picks, composer.drawing, pickBoundaries]);
  const modeScopeLayers = useMemo(
    () => (drawingMode ? createTargetDrawingLayers(modeDrawing.drawing) : []),
    [drawingMode, modeDrawing.drawing],
  );

  const layers = useMemo(() => {
    const {
      heatmap: heat,
      fill: fillSetting,
      grids,
      workers,
      cameras,
      sensors,
      labels,
      liveTickets: live,
    } = layerSettings;
    return [
      ...(fill ? [createGridFillLayer({ ...fill, metric, ...fillSetting })] : []),
      ...(tickets.heatmap
        ? [createTicketHeatmapLayer({ heatmap: tickets.heatmap, weights: tickets.heatmap.weights, zoom, ...heat })]
        : []),
      ...BOUNDARY_ORDER.flatMap((level) => city.boundaries.filter((boundaries) => boundaries.level === level)).map(
        (boundaries) => createBoundariesLayer({ boundaries, zoom, ...grids }),
      ),
      ...(exclusiveBoundaries
        ? [createExclusiveFillLayer({ geometry: gridFillGeometry(exclusiveBoundaries), zoom, visible: grids.visible })]
        : []),
      ...(points.workers ? [createWorkersLayer({ ...points.workers, zoom, ...workers })] : []),
      ...(points.sensors ? [createSensorsLayer({ ...points.sensors, zoom, ...sensors, kinds: sensorKinds })] : []),
      ...(points.cameras ? [createCamerasLayer({ ...points.cameras, zoom, atlas: cameraAtlas, ...cameras })] : []),
      ...(liveTickets ? [createLiveTicketsLayer({ points: liveTickets, zoom, ...live })] : []),
      // The city outline on top: its edge is every outer boundary's too.
      ...(outline ? [createCityOutlineLayer({ outline })] : []),
      ...(ackStatus && l1Boundaries ? [createAckFillLayer(gridFillGeometry(l1Boundaries), ackStatus)] : []),
      ...(selection ? [createSelectionLayer(selection)] : []),
      ...targetLayers,
      ...modeScopeLayers,
      // Names last, over everything: a commander reads the map by them.
      ...(city.labels ? [createLabelsLayer({ labels: city.labels, zoom, ...labels })] : []),
    ];
  }, [
    outline,
    city.boundaries,
    city.labels,
    zoom,
    tickets.heatmap,
    points,
    liveTickets,
    layerSettings,
    sensorKinds,
    cameraAtlas,
    fill,
    metric,
    exclusiveBoundaries,
    selection,
    ackStatus,
    l1Boundaries,
    targetLayers,
    modeScopeLayers,
  ]);

  const layersComplete = Boolean(
    outline &&
    tickets.heatmap &&
    city.boundaries.length > 0 &&
    city.labels &&
    points.workers &&
    points.cameras &&
    points.sensors &&
    (fill || !layerSettings.fill.visible),
  );

  useEffect(() => {
    Promise.all([api.app.getInfo({}), api.city.getOutline({})]).then(
      ([nextInfo, nextOutline]) => {
        setInfo(nextInfo);
        setOutline(nextOutline);
      },
      (error: unknown) => setFailure(error instanceof Error ? error.message : String(error)),
    );
  }, [api]);

  // A click on a camera or a sensor opens its card; on a filled grid, that grid's; elsewhere the finest grid level
  // drawn at that zoom (micro-grids exist only in urban compounds, so L3 where there is none).
  const [focus, setFocus] = useState<MapFocus>();
  const showGrid = useCallback((found: GridCardData | null) => setCard(found && { kind: 'grid', card: found }), []);
  const showPoint = useCallback((found: PointCardData | null) => setCard(found && { kind: 'point', card: found }), []);
  const failed = useCallback(
    (what: string) => (error: unknown) => console.error(`gridline: ${what} failed`, error),
    [],
  );
  const { onMapClick: deskClick } = composer;
  const { onMapClick: modeScopeClick } = modeDrawing;
  const onPick = useCallback(
    (pick: MapPick) => {
      if (drawingMode && modeScopeClick(pick)) return;
      if (broadcastOpen && deskClick(pick)) return;
      const { lng, lat, zoom, layerId, index } = pick;
      if (index !== undefined && layerId === LIVE_TICKETS_LAYER_ID && liveTickets) {
        const id = liveTickets.ids[index];
        if (id !== undefined) {
          setTicketId(id);
          setTicketsOpen(true);
          setFront('tickets');
          if (window.innerWidth < BOTH_DESKS_MIN_WIDTH) setKpiOpen(false);
        }
        return;
      }
      if (index !== undefined && (layerId === 'cameras' || layerId === 'sensors')) {
        const id = points[layerId]?.data.ids[index];
        if (id !== undefined) api.map.getPointCard({ layer: layerId, id }).then(showPoint, failed('map.getPointCard'));
        return;
      }
      if (index !== undefined && layerId?.startsWith(GRID_FILL_PREFIX)) {
        const level = layerId.slice(GRID_FILL_PREFIX.length);
        const boundaries = city.boundaries.find((candidate) => candidate.level === level);
        const id = boundaries && gridIdAt(gridFillGeometry(boundaries), index);
        if (id !== undefined) {
          api.map.getGridCard({ id }).then(showGrid, failed('map.getGridCard'));
          return;
        }
      }
      const level = fillLevelAt(zoom);
      api.map
        .getGridCard({ lng, lat, level })
        .then((found) => (found === null && level === 'micro' ? api.map.getGridCard({ lng, lat, level: 'L3' }) : found))
        .then(showGrid, failed('map.getGridCard'));
    },
    [
      api,
      points,
      liveTickets,
      city.boundaries,
      showGrid,
      showPoint,
      failed,
      broadcastOpen,
      deskClick,
      drawingMode,
      modeScopeClick,
    ],
  );
  const onSearchPick = useCallback(
    (hit: SearchHit) => {
      setFocus({ lng: hit.position[0], lat: hit.position[1], zoom: hit.zoom });
      if (hit.kind === 'grid') api.map.getGridCard({ id: hit.id }).then(showGrid, failed('map.getGridCard'));
      else api.map.getPointCard({ layer: hit.kind, id: hit.id }).then(showPoint, failed('map.getPointCard'));
    },
    [api, showGrid, showPoint, failed],
  );

  const counties = useMemo(
    () =>
      city.labels
        ? city.labels.names.flatMap((name, i) =>
            city.labels!.ranks[i] === 0 ? [{ id: city.labels!.ids[i]!, name }] : [],
          )
        : [],
    [city.labels],
  );

  const onMapReady = useCallback(() => markAppState('ready'), []);
  const onMapError = useCallback((error: Error) => {
    console.error('gridline: map error', error);
    setFailure(error.message);
  }, []);
  useEffect(() => {
    if (failure) markAppState('error');
  }, [failure]);

  const nextLanguage: Language = i18n.language === 'en' ? 'zh-CN' : 'en';

  return (
    <div className="app-shell" data-role={role}>
      <header className="title-bar">
        <h1>
          <span className="product">{t('app.title')}</span>
          <span className="city">{t('app.city')}</span>
          <span className="tagline">{t('app.tagline')}</span>
        </h1>
        <span className="role" data-testid="view-role">
          {t(`role.${role}`)}
        </span>
        {cityState === 'ready' && <SearchBox onPick={onSearchPick} />}
        <button type="button" onClick={() => setBroadcastOpen(true)} data-testid="broadcast-open">
          {t('broadcast.open')}
        </button>
        <button
          type="button"
          aria-pressed={ticketsOpen}
          onClick={() => {
            setTicketsOpen(true);
            setFront('tickets');
            if (window.innerWidth < BOTH_DESKS_MIN_WIDTH) setKpiOpen(false);
          }}
          data-testid="open-tickets"
        >
          {t('tickets.open')}
        </button>
        <button
          type="button"
          aria-pressed={kpiOpen}
          onClick={() => {
            setKpiOpen(true);
            setFront('kpi');
            if (window.innerWidth < BOTH_DESKS_MIN_WIDTH) setTicketsOpen(false);
          }}
          data-testid="open-kpi"
        >
          {t('kpi.open')}
        </button>
        <button
          type="button"
          aria-pressed={modesOpen}
          className={emergencies.length > 0 ? 'modes-open in-emergency' : 'modes-open'}
          onClick={() => setModesOpen(true)}
          data-testid="open-modes"
        >
          {t('modes.open')}
        </button>
        {can('data.import') && (
          <button type="button" onClick={() => setImportOpen(true)} data-testid="import-open">
            {t('cityImport.open')}
          </button>
        )}
        <span className="title-spacer" />
        <ConfirmationsTray />
        <button
          type="button"
          className="language-switch"
          aria-label={t('language.label')}
          data-testid="language-switch"
          onClick={() => void update({ language: nextLanguage })}
        >
          {t('language.switchTo')}
        </button>
        <OperatorMenu items={menuItems} />
      </header>
      <div className="mode-band-row">
        <ModeBand emergencies={emergencies} />
      </div>
      <main className="workspace">
        {outline && (
          <MapView
            onZoom={setZoom}
            focus={focus}
            onPick={onPick}
            bounds={outline.bbox}
            layers={layers}
            label={t('map.label')}
            onReady={onMapReady}
            complete={layersComplete}
            onComplete={markMapDrawn}
            mark={`live-tickets:${liveTickets?.ids.length ?? 0}`}
            onError={onMapError}
          />
        )}
        {cityState === 'generating' && <CityProgress progress={city.progress} />}
        {cityState === 'failed' && (
          <p className="city-failed" role="alert" data-testid="city-failed">
            {t('cityProgress.failed', { message: city.status?.message ?? '' })}
          </p>
        )}
        {desk.hub?.ticketStreamProblem && (
          <p className="city-failed stream-problem" role="alert" data-testid="ticket-stream-problem">
            {i18n.language === 'en' ? desk.hub.ticketStreamProblem.en : desk.hub.ticketStreamProblem.zh}
          </p>
        )}
        {!outline && !failure && <p className="placeholder">{t('app.loading')}</p>}
        {failure && (
          <p className="placeholder failure" role="alert" data-testid="failure">
            {t('app.failed', { message: failure })}
          </p>
        )}
        {outline && (
          <LayerPanel
            settings={layerSettings}
            onChange={setLayerSetting}
            fillScale={fill && { level: fillLevel, max: fill.max }}
          />
        )}
        {tickets.filters && tickets.window && (
          <TicketWindowPanel
            filters={tickets.filters}
            window={tickets.window}
            total={tickets.heatmap?.total}
            onChange={tickets.setWindow}
          />
        )}
        {card?.kind === 'grid' && <GridCard card={card.card} onClose={() => setCard(null)} />}
        {card?.kind === 'point' && <PointCard card={card.card} onClose={() => setCard(null)} />}
        {ticketsOpen && (
          <TicketsPanel
            selectedId={ticketId}
            onSelect={(row) => {
              setTicketId(row.id);
              setFocus(ticketFocus(row.lng, row.lat));
            }}
            onDeselect={() => setTicketId(undefined)}
            onLocate={(lng, lat) => setFocus(ticketFocus(lng, lat))}
            onClose={() => setTicketsOpen(false)}
            raised={front === 'tickets'}
            onRaise={() => setFront('tickets')}
          />
        )}
        {kpiOpen && (
          <KpiDashboard onClose={() => setKpiOpen(false)} raised={front === 'kpi'} onRaise={() => setFront('kpi')} />
        )}
        {importOpen && <CityImportDialog onClose={() => setImportOpen(false)} />}
        {usersOpen && <UsersPanel onClose={() => setUsersOpen(false)} />}
        {auditOpen && (
          <AuditPanel onClose={() => setAuditOpen(false)} host={info?.host ?? 'web'} canExport={can('audit.export')} />
        )}
        {broadcastOpen && (
          <BroadcastPanel
            hub={desk.hub}
            broadcasts={desk.broadcasts}
            escalations={desk.escalations}
            counties={counties}
            target={composer}
            onSent={desk.add}
            shownOnMap={ackShown}
            onShowOnMap={setAckShown}
            onClose={() => setBroadcastOpen(false)}
          />
        )}
        {modesOpen && <ModesPanel modes={modes} drawing={modeDrawing} onClose={() => setModesOpen(false)} />}
        {noteOpen && outline && (
          <DataNote
            outline={outline}
            generated={city.status?.scale !== 'imported'}
            onClose={() => setNoteOpen(false)}
          />
        )}
      </main>
      <StatusBar info={info} onOpenDataNote={() => setNoteOpen(true)} />
    </div>
  );
}
