/**
 * Opens the console's windows: one per display at start, one more whenever a display is plugged in. Closing the
 * primary window (first display) quits the console.
 */
import { app, BrowserWindow, screen } from 'electron';
import { planWindows, secureWebPreferences, windowUrl, type WindowPlan } from './secure-window';

function openWindow(plan: WindowPlan, preloadPath: string): BrowserWindow {
  const window = new BrowserWindow({
    ...plan.bounds,
    show: false,
    backgroundColor: '#0a1422',
    title: 'Gridline',
    webPreferences: secureWebPreferences(preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  if (plan.primary) window.on('closed', () => app.quit());
  void window.loadURL(windowUrl(plan));
  return window;
}

export function openConsoleWindows(preloadPath: string): void {
  for (const plan of planWindows(screen.getAllDisplays())) openWindow(plan, preloadPath);
  screen.on('display-added', (_event, display) => {
    const [plan] = planWindows([display]);
    if (plan) openWindow({ ...plan, primary: false }, preloadPath);
  });
}

/** Sends a contract event to every open window. */
export function broadcastToWindows(channel: string, payload: unknown): void {
  for (const window of BrowserWindow.getAllWindows()) window.webContents.send(channel, payload);
}
