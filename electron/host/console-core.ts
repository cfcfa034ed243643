/**
 * The console's services and contract, assembled once per process and shared by whichever hosts serve it (Electron
 * IPC, the web host, or both). No `electron` import here: the same core runs under plain Node.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ContractError, type HostKind, type HubStatus } from '../../shared/contract';
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
import { ModeApplier } from '../services/modes/mode-applier';
import { ModeProfiles } from '../services/modes/mode-profiles';
import { ModeService } from '../services/modes/mode-service';
import { TicketService } from '../services/tickets/ticket-service';
import { KpiService } from '../services/tickets/kpi/kpi-service';
import { TicketRouter } from '../services/tickets/routing/ticket-router';
import { TicketDesk, type DeskOperator } from '../services/tickets/live/ticket-desk';
import type { DuplicatePolicy } from '../services/tickets/live/duplicate-finder';
import { loadTaxonomy, type CityTaxonomy } from '../services/city/taxonomy-loader';
import { decide } from '../../shared/domain/authority';
import { AuditLog } from '../services/audit';
import { GridTerritory } from '../services/city/grid-territory';
import { IdentityService, type ScryptParams } from '../services/identity';
import { scopeName } from '../services/identity/operator-records';
import { WorkerDirectory } from '../services/city/worker-directory';
import { throttled } from './throttled';
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
  /** When two live reports are taken for the same event (default 50 m, one day). */
  duplicates?: DuplicatePolicy;
  /** How often the deadline watcher escalates overdue live tickets (ms; default a minute, 0 off). */
  deadlineWatchMs?: number;
  /** The tickets' clock (epoch ms; deadlines, the KPIs' "today"): tests move it. */
  now?: () => number;
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
        const problem = hubStatus.ticketStreamProblem;
        hubStatus = {
          state,
          url: options.hub!.url,
          ...(detail ? { detail } : {}),
          ...(problem ? { ticketStreamProblem: problem } : {}),
        };
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
      onTicket: (event) => desk.receive(event),
      onConnected: () => desk.connected(),
    });
  const broadcasts = new BroadcastService(store, link, `console@${hostname()}`, {
    status: (status) => events.emit('broadcast.receipts', status),
    escalation: (escalation) => events.emit('broadcast.escalated', escalation),
  });
  // Issue #7: the live ticket loop — the hub's ticket stream applied here, dispatch, the board, the KPIs.
  let taxonomy: CityTaxonomy | undefined;
  const readTaxonomy = (): CityTaxonomy => (taxonomy ??= loadTaxonomy(options.resourcesDir));
  const router = new TicketRouter({
    store,
    locator: grids,
    get departmentKinds() {
      return readTaxonomy().departmentKinds;
    },
  });
  const ticketClock = options.now ?? Date.now;
  const nowSeconds = (): number => Math.floor(ticketClock() / 1000);
  const kpi = new KpiService(store, () => bootstrap.getStatus().state === 'ready', nowSeconds);
  const consoleName = `console@${hostname()}`;
  // Issue #8: emergency modes ride the ticket stream; the applier runs inside its batches, the service previews and
  // switches.
  const modeApplier = new ModeApplier(store.writer);
  const modeProfiles = new ModeProfiles(store, options.resourcesDir, nowSeconds);
  const desk: TicketDesk = new TicketDesk({
    store,
    router,
    categoryRows: () => readTaxonomy().categoryRows,
    ...(link ? { link } : {}),
    consoleName,
    now: nowSeconds,
    kpi,
    tickets,
    emit: (changed) => events.emit('tickets.changed', changed),
    onChanged: () => metrics.invalidate(),
    log: (level, event, fields) => log[level](event, fields),
    ...(options.duplicates ? { duplicates: options.duplicates } : {}),
    ...(options.deadlineWatchMs !== undefined ? { watchEveryMs: options.deadlineWatchMs } : {}),
    modes: modeApplier,
    // A switch reaches every window at once; a timeline that only grew (key tickets, a storm's worth a second) at
    // most once a second.
    onModesChanged: ({ switched }) => (switched.length > 0 ? modesChanged.now() : modesChanged.soon()),
    onStreamProblem: (problem) => {
      const { ticketStreamProblem: _was, ...rest } = hubStatus;
      hubStatus = problem ? { ...rest, ticketStreamProblem: { zh: problem.zh, en: problem.en } } : rest;
      events.emit('hub.statusChanged', hubStatus);
    },
  });
  void bootstrap.settled.then(() => {
    if (bootstrap.getStatus().state !== 'ready') return;
    desk.warm();
    kpi.warmUp().catch((error: unknown) => log.warn('tickets.kpi-load-failed', { error: String(error) }));
  });
  const modesChanged = throttled(() => events.emit('modes.changed', modes.list()), 1000);
  const modes = new ModeService({
    store,
    profiles: modeProfiles,
    link: link && {
      get connected() {
        return link.connected;
      },
      switchMode: (submit) => link.switchMode(submit),
      appliedThrough: (seq, timeoutMs) => desk.appliedThrough(seq, timeoutMs),
    },
    broadcasts,
    consoleName,
    now: nowSeconds,
    log: (level, event, fields) => log[level](event, fields),
    onChanged: () => modesChanged.now(),
  });
  const signedIn = (operator: { username: string; displayName: string } | undefined) => {
    if (!operator) throw new ContractError({ code: 'unauthenticated', message: 'Sign in first.' });
    return { username: operator.username, displayName: operator.displayName };
  };
  const deskOperator = (
    operator: { username: string; role: DeskOperator['role']; scope: DeskOperator['scope'] } | undefined,
  ): DeskOperator => {
    if (!operator) throw new ContractError({ code: 'unauthenticated', message: 'Sign in first.' });
    return { username: operator.username, role: operator.role, scope: operator.scope };
  };

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
    createAreaResolvers(
      store,
      territory,
      broadcasts,
      (id) => desk.gridOf(id),
      (scope) => modes.target(scope),
    ),
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
      router.invalidate();
      kpi.invalidate();
      // A grids import clears live tickets and the stream cursor: the hub's stream is applied again onto the new city.
      desk.connected();
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
    'tickets.list': (query) => desk.list(query),
    'tickets.get': ({ id }, { operator }) => desk.get(id, operator),
    'tickets.getPhoto': ({ id, index }) => desk.photo(id, index),
    'tickets.getLivePoints': () => desk.livePoints(),
    'tickets.rerouteOptions': ({ id }) => desk.rerouteOptions(id),
    'tickets.handle': (input, { operator }) =>
      desk.act(input.id, deskOperator(operator), (by) => {
        switch (input.action) {
          case 'accept':
          case 'start-handling':
            return { kind: input.action, by, ...(input.note ? { note: input.note } : {}) };
          case 'escalate':
            return { kind: 'escalate', by, reason: input.reason };
          case 'mark-joint':
            return {
              kind: 'mark-joint',
              by,
              parties: input.departments.map((code) => {
                const unit = router.unit(code);
                if (!unit)
                  throw new ContractError({
                    code: 'refused',
                    message: `部门 ${code} 不存在。 Department ${code} not found.`,
                  });
                return unit.unit;
              }),
              ...(input.note ? { note: input.note } : {}),
            };
        }
      }),
    'tickets.close': (input, { operator }) =>
      desk.act(input.id, deskOperator(operator), (by) => {
        switch (input.action) {
          case 'resolve':
            return { kind: 'resolve', by, result: input.result };
          case 'feedback':
            return { kind: 'feedback', by, ...(input.note ? { note: input.note } : {}) };
          case 'evaluate':
            return {
              kind: 'evaluate',
              by,
              satisfaction: input.satisfaction,
              ...(input.comment ? { comment: input.comment } : {}),
            };
          case 'reopen':
            return { kind: 'reopen', by, reason: input.reason };
        }
      }),
    'tickets.reroute': ({ id, departmentCode, reason, rule }, { operator }) =>
      desk.reroute(id, deskOperator(operator), departmentCode, reason, rule),
    'tickets.merge': ({ id, into }, { operator }) => desk.merge(id, into, deskOperator(operator)),
    'tickets.kpi': (request) => kpi.query(request),
    'modes.list': () => modes.list(),
    'modes.profiles': () => ({ profiles: modeProfiles.latest(), versions: modeProfiles.versions() }),
    'modes.saveProfile': ({ profile }, { operator }) =>
      modeProfiles.save(profile, signedIn(operator).username, nowSeconds()),
    'modes.preview': (request, { operator }) => {
      const preview = modes.preview(request);
      const area = targetArea(modes.target(request.scope), territory, broadcasts);
      const decision = operator ? decide(operator, { permission: 'mode.switch', area }) : undefined;
      return {
        ...preview,
        refusal: !decision ? 'Sign in first.' : decision.allowed ? null : decision.message,
        needsSecondOperator: held.needsSecond('modes.switch', request, area),
      };
    },
    'modes.switch': (request, { operator, confirmedBy }) =>
      modes.switch(request, signedIn(operator), confirmedBy && signedIn(confirmedBy)),
    'modes.timeline': ({ emergency }) => modes.timeline(emergency),
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
      desk.close();
      modesChanged.cancel();
      broadcasts.close();
      link?.close();
      store.close();
    },
  };
}
