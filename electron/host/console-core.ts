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
import { decide } from '../../shared/domain/authority';
import { AuditLog } from '../services/audit';
import { GridTerritory } from '../services/city/grid-territory';
import { IdentityService, type ScryptParams } from '../services/identity';
import { scopeName } from '../services/identity/operator-records';
import { WorkerDirectory } from '../services/city/worker-directory';
import { AccessControl, plainScopeText } from './access-control';
import { auditHandlers, EXPORTS_DIR } from './audit-handlers';
import { createAreaResolvers, targetArea } from './action-areas';
import { ClientSessions } from './client-sessions';
import { createDispatcher, type Dispatch, type Handlers } from './dispatcher';
import { EventHub } from './event-hub';
import { HeldCommands } from './held-commands';
import { createFileLogger, type Logger } from './logger';
import { sessionHandlers } from './session-handlers';
import { usersHandlers } from './users-handlers';
import { summariseCommand } from './command-summary';

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
  /** scrypt cost for new password hashes; tests lower it. */
  scrypt?: ScryptParams;
}

export interface ConsoleCore {
  dispatch: Dispatch;
  events: EventHub;
  log: Logger;
  /** Operators and their sessions: hosts provision accounts; tests create them. */
  identity: IdentityService;
  audit: AuditLog;
  /** Where `audit.export` writes its files (the web host serves them at /exports/<name>). */
  exportsDir: string;
  /** Which window is signed in as whom: hosts ask before sending events and tell when a window goes. */
  sessions: ClientSessions;
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

  // Issue #6: who is signed in where, what they may do, what needs a second operator, and the record of it all.
  const identity = new IdentityService(store, { log, ...(options.scrypt ? { scrypt: options.scrypt } : {}) });
  const audit = new AuditLog(store);
  const sessions = new ClientSessions(identity);
  const territory = new GridTerritory(store);
  const workers = new WorkerDirectory(store);
  const held = new HeldCommands({
    identity,
    recordAction: (operator, action, scope, payload) => access.recordAction(operator, action, scope, payload),
    emit: (confirmation) => events.emit('confirmations.changed', confirmation),
    summarise: (name, input) => summariseCommand(name, input, store),
  });
  const access = new AccessControl(
    sessions,
    audit,
    createAreaResolvers(store, territory, broadcasts),
    held,
    log,
    (scope) => {
      if (scope.kind !== 'l1') return plainScopeText(scope);
      const county = territory.countyOfL1(scope.code);
      return county ? `county:${county}/l1:${scope.code}` : `l1:${scope.code}`;
    },
  );

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
      territory.invalidate();
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
    'broadcast.preview': ({ target }, { operator }) => {
      const area = targetArea(target, territory, broadcasts);
      const decision = operator ? decide(operator, { permission: 'broadcast.send', area }) : undefined;
      return {
        ...broadcasts.preview(target),
        refusal: !decision ? 'Sign in first.' : decision.allowed ? null : decision.message,
        needsSecondOperator: held.needsSecond('broadcast.send', { target }, area),
      };
    },
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
    'workers.getPersonal': ({ id }) => workers.personal(id),
    'tickets.getFilters': () => tickets.getFilters(),
    'tickets.getHeatmap': (request) => tickets.getHeatmap(request),
    'settings.get': () => settings.get(),
    'settings.update': (patch) => settings.update(patch),
    ...sessionHandlers(identity, sessions, held, (operator) => scopeName(store.reader(), operator.scope)),
    ...usersHandlers(identity, store),
    ...auditHandlers(audit, options.dataDir),
  };
  const { dispatch, execute } = createDispatcher(handlers, log, access);
  held.connect(execute);

  log.info('core.started', { host: options.host, version: options.version, dataDir: options.dataDir });
  return {
    dispatch,
    events,
    log,
    identity,
    audit,
    exportsDir: join(options.dataDir, EXPORTS_DIR),
    sessions,
    cityReady: bootstrap.settled.then(() => bootstrap.getStatus().state === 'ready'),
    close: async () => {
      await bootstrap.stop();
      held.close();
      broadcasts.close();
      link?.close();
      store.close();
    },
  };
}
