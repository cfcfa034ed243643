/**
 * The console's services and contract, assembled once per process and shared by whichever hosts serve it (Electron
 * IPC, the web host, or both). No `electron` import here: the same core runs under plain Node.
 */
import { join } from 'node:path';
import type { HostKind } from '../../shared/contract';
import { CityService } from '../services/city/city-service';
import { SettingsService } from '../services/settings/settings-service';
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
}

export interface ConsoleCore {
  dispatch: Dispatch;
  events: EventHub;
  log: Logger;
}

export function createConsoleCore(options: ConsoleCoreOptions): ConsoleCore {
  const log = options.log ?? createFileLogger(join(options.dataDir, 'logs', 'gridline.log'));
  const events = new EventHub();
  const startedAt = new Date().toISOString();
  const city = new CityService(options.resourcesDir);
  const settings = new SettingsService(options.dataDir, log, (next) => events.emit('settings.changed', next));

  const handlers: Handlers = {
    'app.getInfo': () => ({ name: 'Gridline', version: options.version, host: options.host, startedAt }),
    'city.getOutline': () => city.getOutline(),
    'settings.get': () => settings.get(),
    'settings.update': (patch) => settings.update(patch),
  };
  log.info('core.started', { host: options.host, version: options.version, dataDir: options.dataDir });
  return { dispatch: createDispatcher(handlers, log), events, log };
}
