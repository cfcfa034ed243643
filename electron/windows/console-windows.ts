/**
 * Opens the console's windows: one per display at start, one more whenever a display is plugged in. Closing the
 * primary window (first display) quits the console.
 */
import { app, BrowserWindow, screen } from 'electron';
import { planWindows, secureWebPreferences, windowUrl, type WindowPlan } from './secure-window';

/** Told when a window is gone (its session ends with it). */
export type WindowGone = (webContentsId: number) => void;

function openWindow(plan: WindowPlan, preloadPath: string, gone: WindowGone): BrowserWindow {
  const window = new BrowserWindow({
    ...plan.bounds,
    show: false,
    backgroundColor: '#0a1422',
    title: 'Gridline',
    webPreferences: secureWebPreferences(preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  const id = window.webContents.id;
  window.webContents.once('destroyed', () => gone(id));
  if (plan.primary) window.on('closed', () => app.quit());
  void window.loadURL(windowUrl(plan));
  return window;
}

export function openConsoleWindows(preloadPath: string, gone: WindowGone): void {
  for (const plan of planWindows(screen.getAllDisplays())) openWindow(plan, preloadPath, gone);
  screen.on('display-added', (_event, display) => {
    const [plan] = planWindows([display]);
    if (plan) openWindow({ ...plan, primary: false }, preloadPath, gone);
  });
}

/** Sends a contract event to every open window that accepts it (signed in, or a public event). */
export function broadcastToWindows(channel: string, payload: unknown, accepts: (windowId: number) => boolean): void {
  for (const window of BrowserWindow.getAllWindows()) {
    if (accepts(window.webContents.id)) window.webContents.send(channel, payload);
  }
}
