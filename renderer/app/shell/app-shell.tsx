/**
 * The console window: title bar (city, view role, language), the map, the status bar. Loads what the first slice
 * needs from the main process and raises the ready marker once the map has drawn the city.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo, CityOutline, GridCard as GridCardData } from '../../../shared/contract';
import type { Language } from '../../../shared/domain/language';
import { BOUNDARY_ORDER, createBoundariesLayer } from '../../map/layers/boundaries/boundaries-layer';
import { createCityOutlineLayer } from '../../map/layers/city-outline/city-outline-layer';
import { cameraIconAtlas, createCamerasLayer } from '../../map/layers/cameras/cameras-layer';
import { createSensorsLayer } from '../../map/layers/sensors/sensors-layer';
import { createTicketHeatmapLayer } from '../../map/layers/ticket-heatmap/ticket-heatmap-layer';
import { createWorkersLayer } from '../../map/layers/workers/workers-layer';
import { MapView } from '../../map/map-view';
import { CityImportDialog } from '../../panels/city-import/city-import-dialog';
import { CityProgress } from '../../panels/city-progress/city-progress';
import { DataNote } from '../../panels/data-note/data-note';
import { GridCard } from '../../panels/grid-card/grid-card';
import { LayerPanel } from '../../panels/layer-panel/layer-panel';
import { StatusBar } from '../../panels/status-bar/status-bar';
import { TicketWindowPanel } from '../../panels/ticket-window/ticket-window-panel';
import { markAppState, markCityState } from '../../state/app-state';
import { useCityStatus } from '../../state/use-city-status';
import { useSettings } from '../../state/use-settings';
import { useLayerSettings } from '../../state/use-layer-settings';
import { usePointLayers } from '../../state/use-point-layers';
import { useTicketHeatmap } from '../../state/use-ticket-heatmap';
import { useApi } from '../providers/connection-context';

export type ViewRole = 'map';

export function AppShell({ role }: { role: ViewRole }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { update } = useSettings();
  const [info, setInfo] = useState<AppInfo>();
  const [outline, setOutline] = useState<CityOutline>();
  const [failure, setFailure] = useState<string>();
  const [noteOpen, setNoteOpen] = useState(false);
  const [importOpen, setImportOpen] = useState(false);
  const city = useCityStatus();
  const cityState = city.status?.state;
  useEffect(() => {
    if (cityState) markCityState(cityState);
  }, [cityState]);

  const [zoom, setZoom] = useState(0);
  const [layerSettings, setLayerSetting] = useLayerSettings();
  const tickets = useTicketHeatmap(cityState === 'ready');
  const points = usePointLayers(cityState === 'ready', city.status?.revision ?? 0);
  const [cameraAtlas] = useState(cameraIconAtlas);
  const layers = useMemo(() => {
    const { heatmap: heat, grids, workers, cameras, sensors } = layerSettings;
    return [
      ...(tickets.heatmap
        ? [createTicketHeatmapLayer({ heatmap: tickets.heatmap, weights: tickets.heatmap.weights, ...heat })]
        : []),
      ...BOUNDARY_ORDER.flatMap((level) => city.boundaries.filter((boundaries) => boundaries.level === level)).map(
        (boundaries) => createBoundariesLayer({ boundaries, zoom, ...grids }),
      ),
      ...(points.workers ? [createWorkersLayer({ ...points.workers, zoom, ...workers })] : []),
      ...(points.sensors ? [createSensorsLayer({ ...points.sensors, zoom, ...sensors })] : []),
      ...(points.cameras ? [createCamerasLayer({ ...points.cameras, zoom, atlas: cameraAtlas, ...cameras })] : []),
      // The city outline on top: its edge is every outer boundary's too.
      ...(outline ? [createCityOutlineLayer({ outline })] : []),
    ];
  }, [outline, city.boundaries, zoom, tickets.heatmap, points, layerSettings, cameraAtlas]);

  useEffect(() => {
    Promise.all([api.app.getInfo({}), api.city.getOutline({})]).then(
      ([nextInfo, nextOutline]) => {
        setInfo(nextInfo);
        setOutline(nextOutline);
      },
      (error: unknown) => setFailure(error instanceof Error ? error.message : String(error)),
    );
  }, [api]);

  // A click opens the card of the finest grid level drawn at that zoom (micro-grids exist only in urban compounds).
  const [card, setCard] = useState<GridCardData | null>(null);
  const onPick = useCallback(
    (lng: number, lat: number, zoom: number) => {
      const level = zoom < 10.5 ? 'L1' : zoom < 12 ? 'L2' : zoom < 14 ? 'L3' : 'micro';
      api.map
        .getGridCard({ lng, lat, level })
        .then((found) => (found === null && level === 'micro' ? api.map.getGridCard({ lng, lat, level: 'L3' }) : found))
        .then(setCard, (error: unknown) => console.error('gridline: map.getGridCard failed', error));
    },
    [api],
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
        <button type="button" onClick={() => setImportOpen(true)} data-testid="import-open">
          {t('cityImport.open')}
        </button>
        <button
          type="button"
          className="language-switch"
          aria-label={t('language.label')}
          data-testid="language-switch"
          onClick={() => void update({ language: nextLanguage })}
        >
          {t('language.switchTo')}
        </button>
      </header>
      <main className="workspace">
        {outline && (
          <MapView
            onZoom={setZoom}
            onPick={onPick}
            bounds={outline.bbox}
            layers={layers}
            label={t('map.label')}
            onReady={onMapReady}
            onError={onMapError}
          />
        )}
        {cityState === 'generating' && <CityProgress progress={city.progress} />}
        {cityState === 'failed' && (
          <p className="city-failed" role="alert" data-testid="city-failed">
            {t('cityProgress.failed', { message: city.status?.message ?? '' })}
          </p>
        )}
        {!outline && !failure && <p className="placeholder">{t('app.loading')}</p>}
        {failure && (
          <p className="placeholder failure" role="alert" data-testid="failure">
            {t('app.failed', { message: failure })}
          </p>
        )}
        {outline && <LayerPanel settings={layerSettings} onChange={setLayerSetting} />}
        {tickets.filters && tickets.window && (
          <TicketWindowPanel
            filters={tickets.filters}
            window={tickets.window}
            total={tickets.heatmap?.total}
            onChange={tickets.setWindow}
          />
        )}
        {card && <GridCard card={card} onClose={() => setCard(null)} />}
        {importOpen && <CityImportDialog onClose={() => setImportOpen(false)} />}
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
