import { describe, expect, it } from 'vitest';
import { isAppUrl, planWindows, secureWebPreferences, windowUrl } from '../../../../electron/windows/secure-window';

const display = (id: number, x: number) => ({ id, workArea: { x, y: 0, width: 1920, height: 1080 } });

describe('console windows', () => {
  it('plans one map window per display, the first one primary', () => {
    const plans = planWindows([display(7, 0), display(9, 1920), display(11, 3840)]);
    expect(plans.map((plan) => [plan.displayId, plan.role, plan.primary, plan.bounds.x])).toEqual([
      [7, 'map', true, 0],
      [9, 'map', false, 1920],
      [11, 'map', false, 3840],
    ]);
    expect(windowUrl(plans[1]!)).toBe('gridline://app/index.html?role=map&display=9');
  });

  it('locks the renderer down', () => {
    expect(secureWebPreferences('/app/preload.cjs')).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('trusts only the app origin', () => {
    expect(isAppUrl('gridline://app/index.html?role=map')).toBe(true);
    for (const url of ['https://example.org', 'gridline://evil/index.html', 'file:///etc/passwd', 'not a url', '']) {
      expect(isAppUrl(url)).toBe(false);
    }
  });
});
