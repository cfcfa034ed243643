/**
 * How console windows are made: one per display, each with a view role, with the locked-down web preferences
 * Electron's security checklist asks for. Pure functions, unit-tested without Electron.
 */
import type { Rectangle, WebPreferences } from 'electron';

export type ViewRole = 'map';

export interface DisplayLike {
  id: number;
  workArea: Rectangle;
}

export interface WindowPlan {
  displayId: number;
  bounds: Rectangle;
  role: ViewRole;
  /** The first display hosts the primary window; closing it quits the console. */
  primary: boolean;
}

/** First display: the map; every other display: the map as well, until saved layouts give them other roles. */
export function planWindows(displays: readonly DisplayLike[]): WindowPlan[] {
  return displays.map((display, index) => ({
    displayId: display.id,
    bounds: display.workArea,
    role: 'map',
    primary: index === 0,
  }));
}

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    experimentalFeatures: false,
  };
}

export const APP_SCHEME = 'gridline';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** The page a window loads: its role and display travel in the query string. */
export function windowUrl(plan: WindowPlan): string {
  return `${APP_ORIGIN}/index.html?role=${plan.role}&display=${plan.displayId}`;
}

/** Only pages of the app's own origin may call the contract or navigate. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}
