/**
 * Electron main process: lifecycle only. Builds the console core (services + contract), serves the renderer on the
 * app protocol, binds the contract to IPC and opens one window per display.
 */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, net, protocol, screen, session } from 'electron';
import { resolveHostConfig } from './host/config';
import { createConsoleCore } from './host/console-core';
import { registerAppScheme, serveAppProtocol } from './windows/app-protocol';
import { hardenSession, hardenWebContents } from './windows/hardening';
import { bridgeIpc } from './windows/ipc-bridge';
import { isAppUrl, planWindows, secureWebPreferences, windowUrl, type WindowPlan } from './windows/secure-window';

registerAppScheme(protocol);
app.enableSandbox();
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

if (!app.requestSingleInstanceLock()) app.quit();

const appRoot = app.getAppPath();
const rendererDir = join(appRoot, 'dist', 'renderer');
const resourcesDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(appRoot, 'resources');
const preloadPath = join(__dirname, 'preload.cjs');

function openWindow(plan: WindowPlan): BrowserWindow {
  const window = new BrowserWindow({
    ...plan.bounds,
    show: false,
    backgroundColor: '#0b1726',
    title: 'Gridline',
    webPreferences: secureWebPreferences(preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  if (plan.primary) window.on('closed', () => app.quit());
  void window.loadURL(windowUrl(plan));
  return window;
}

app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
app.on('window-all-closed', () => app.quit());

void app.whenReady().then(() => {
  const env = { ...process.env, GRIDLINE_DATA_DIR: process.env.GRIDLINE_DATA_DIR ?? app.getPath('userData') };
  const config = resolveHostConfig(process.argv.slice(1), env, { lenient: true });
  const core = createConsoleCore({
    dataDir: config.dataDir,
    resourcesDir,
    host: 'electron',
    version: app.getVersion(),
  });
  hardenSession(session.defaultSession);
  serveAppProtocol(protocol, net, rendererDir);
  bridgeIpc(ipcMain, core, isAppUrl, (channel, payload) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(channel, payload);
  });
  planWindows(screen.getAllDisplays()).forEach(openWindow);
  screen.on('display-added', (_event, display) => {
    const [plan] = planWindows([display]);
    if (plan) openWindow({ ...plan, primary: false });
  });
});
