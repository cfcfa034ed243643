/**
 * Electron main process: lifecycle only. Builds the console core (services + contract), serves the renderer on the
 * app protocol, binds the contract to IPC and opens one window per display.
 */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, net, protocol, session } from 'electron';
import { announceCityReady } from './host/city-ready';
import { resolveHostConfig } from './host/config';
import { createConsoleCore } from './host/console-core';
import { registerAppScheme, serveAppProtocol } from './windows/app-protocol';
import { broadcastToWindows, openConsoleWindows } from './windows/console-windows';
import { hardenSession, hardenWebContents } from './windows/hardening';
import { bridgeIpc, windowClient } from './windows/ipc-bridge';
import { provisionFirstAdministratorFromEnv } from './services/identity';
import { isAppUrl } from './windows/secure-window';

registerAppScheme(protocol);
app.enableSandbox();
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
app.on('window-all-closed', () => app.quit());

function start(): void {
  const appRoot = app.getAppPath();
  const resourcesDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(appRoot, 'resources');
  const env = { ...process.env, GRIDLINE_DATA_DIR: process.env.GRIDLINE_DATA_DIR ?? app.getPath('userData') };
  const config = resolveHostConfig(process.argv.slice(1), env, { lenient: true });
  const core = createConsoleCore({
    dataDir: config.dataDir,
    resourcesDir,
    host: 'electron',
    version: app.getVersion(),
    cityScale: config.cityScale,
    ...(config.hub ? { hub: config.hub } : {}),
    // Unpacked from the asar archive when packaged (electron-builder.yml: asarUnpack).
    generationWorker: join(__dirname.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1'), 'generation-worker.cjs'),
  });

  hardenSession(session.defaultSession);
  serveAppProtocol(protocol, net, join(appRoot, 'dist', 'renderer'));
  bridgeIpc(ipcMain, core, isAppUrl, broadcastToWindows);
  // Automation's first administrator (GRIDLINE_ADMIN_*) before any window can show the setup step; a bad value is a
  // deployment error: say so and stop.
  provisionFirstAdministratorFromEnv(core.identity, process.env, core.log).then(
    () => openConsoleWindows(join(__dirname, 'preload.cjs'), (id) => core.sessions.release(windowClient(id), true)),
    (error: unknown) => {
      console.error(`gridline: ${error instanceof Error ? error.message : String(error)}`);
      app.exit(2);
    },
  );
  void announceCityReady(core, config.dataDir);
}

// One console per desk: a second launch focuses the first instead of opening a rival on the same data directory.
if (app.requestSingleInstanceLock()) void app.whenReady().then(start);
else app.quit();
