/**
 * The console's services and contract, assembled once per process and shared by whichever hosts serve it (Electron
 * IPC, the web host, or both). No `electron` import here: the same core runs under plain Node.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { HostKind, HubStatus } from '../../shared/contract';
import { BroadcastService } from '../services/broadcast/broadcast-service';
import { HubLink } from '../services/broadcast/hub-link';
import { CityBootstrap } from '../services/city/city-bootstrap';
import { CityImportService } from '../services/city/city-import-service';
import { CityService } from '../services/city/city-service';
import type { CityScale } from '../services/city/generator/scale';
import { SettingsService } from '../services/settings/settings-service';
import { GridLocator } from '../services/city/grid-locator';
import { GridCardService } from '../services/map/grid-card-service';
import { GridMetricsService } from '../services/map/grid-metrics-service';
import { MapSearchService } from '../services/map/map-search-service';
import { PointCardService } from '../services/map/point-card-service';
import { PointLayerService } from '../services/map/point-layer-service';
import { openStore } from '../services/store/store';
import { TicketService } from '../services/tickets/ticket-service';
import { createDispatcher, type Dispatch, type Handlers } from './dispatcher';
import { EventHub } from './event-hub';
import { createFileLogger, type Logger } from './logger';

export interface ConsoleCoreOptions {
  dataDir: string;
  resourcesDir: string;
  host: HostKind;
  version: string;
  /** Defaults to a file logger in the data directory. */
  log?: Logger;
  /** Size of the default city generated on an empty data directory (default: full). */
  cityScale?: CityScale;
  /** The bundled generation worker; without it the city is generated on the main thread. */
  generationWorker?: string;
  /** The command hub to broadcast through (its `/console` secret); without it broadcasting says it is unconfigured. */
  hub?: { url: string; consoleSecret: string };
}

export interface ConsoleCore {
  dispatch: Dispatch;
  events: EventHub;
  log: Logger;
  /**
   * Resolves once the city has settled: true when it is complete (generated, or already there), false when its
   * generation failed or was stopped.
   */
  cityReady: Promise<boolean>;
  close(): Promise<void>;
}

export function createConsoleCore(options: ConsoleCoreOptions): ConsoleCore {
  const log = options.log ?? createFileLogger(join(options.dataDir, 'logs', 'gridline.log'));
  const events = new EventHub();
  const startedAt = new Date().toISOString();
  const store = openStore(options.dataDir);
  const city = new CityService(options.resourcesDir, store);
  const bootstrap = new CityBootstrap({
    store,
    dataDir: options.dataDir,
    resourcesDir: options.resourcesDir,
    scale: options.cityScale ?? 'full',
    log,
    workerScript: options.generationWorker,
    onStatus: (status) => events.emit('city.statusChanged', status),
    onProgress: (progress) => events.emit('city.generationProgress', progress),
  });
  const points = new PointLayerService(store);
  const grids = new GridLocator(store);
  const cards = new GridCardService(store, grids);
  const metrics = new GridMetricsService(store);
  const pointCards = new PointCardService(store);
  const search = new MapSearchService(store);
  const tickets = new TicketService(store, () => bootstrap.getStatus().state === 'ready');
  const imports = new CityImportService({
    store,
    grids,
    city,
    bootstrap,
    log,
    onProgress: (progress) => events.emit('city.importProgress', progress),
  });
  let hubStatus: HubStatus = { state: options.hub ? 'connecting' : 'unconfigured', url: options.hub?.url ?? null };
  const link =
    options.hub &&
    new HubLink({
      ...options.hub,
      onState: (state, detail) => {
        hubStatus = { state, url: options.hub!.url, ...(detail ? { detail } : {}) };
        log.info('hub.link', { state, detail });
        events.emit('hub.statusChanged', hubStatus);
      },
      // Receipts only come after the connection is up, by when `broadcasts` exists.
      onReceipts: (id, parts) => broadcasts.receipts(id, parts),
      onEscalation: (message) => {
        log.warn('broadcast.escalated', { id: message.id, hub: message.hub, workers: message.workers.length });
        broadcasts.escalated(message);
      },
      onRejected: (event, reason) => log.warn('hub.message-rejected', { event, reason }),
    });
  const broadcasts = new BroadcastService(store, link, `console@${hostname()}`, {
    status: (status) => events.emit('broadcast.receipts', status),
    escalation: (escalation) => events.emit('broadcast.escalated', escalation),
  });
  const settings = new SettingsService(options.dataDir, log, (next) => events.emit('settings.changed', next));

  const handlers: Handlers = {
    'app.getInfo': () => ({ name: 'Gridline', version: options.version, host: options.host, startedAt }),
    'city.getOutline': () => city.getOutline(),
    'city.getStatus': () => bootstrap.getStatus(),
    'city.getBoundaries': ({ level, labels }) => city.getBoundaries(level, labels),
    'city.getLabels': () => city.getLabels(),
    'city.importFile': async (request) => {
      const result = await imports.importFile(request);
      tickets.invalidate();
      metrics.invalidate();
      return result;
    },
    'map.getPoints': ({ layer }) => points.getPoints(layer),
    'map.getPointClasses': ({ layer }) => points.getClasses(layer),
    'map.getGridCard': (request) =>
      'id' in request ? cards.card(request.id) : cards.cardAt(request.lng, request.lat, request.level),
    'map.getGridMetrics': ({ level }) => metrics.metrics(level),
    'map.getPointCard': ({ layer, id }) => pointCards.card(layer, id),
    'map.search': ({ query, limit, level }) => search.search(query, limit, level),
    'hub.getStatus': () => hubStatus,
    'broadcast.preview': ({ target }) => broadcasts.preview(target),
    'broadcast.send': async (draft) => {
      const status = await broadcasts.send(draft);
      log.info('broadcast.sent', {
        id: status.id,
        seq: status.seq,
        targeted: status.targeted,
        priority: draft.priority,
      });
      return status;
    },
    'broadcast.list': () => broadcasts.list(),
    'broadcast.pending': ({ id }) => broadcasts.pending(id),
    'broadcast.escalations': ({ id }) => broadcasts.escalations(id),
    'broadcast.resend': ({ id }) => broadcasts.resend(id),
    'tickets.getFilters': () => tickets.getFilters(),
    'tickets.getHeatmap': (request) => tickets.getHeatmap(request),
    'settings.get': () => settings.get(),
    'settings.update': (patch) => settings.update(patch),
  };
  log.info('core.started', { host: options.host, version: options.version, dataDir: options.dataDir });
  return {
    dispatch: createDispatcher(handlers, log),
    events,
    log,
    cityReady: bootstrap.settled.then(() => bootstrap.getStatus().state === 'ready'),
    close: async () => {
      await bootstrap.stop();
      broadcasts.close();
      link?.close();
      store.close();
    },
  };
}
