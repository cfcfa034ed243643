import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SIM_REPORTS,
  DEFAULT_SIM_WORKERS,
  launcherOptions,
  simulatorRates,
  UsageError,
} from '../../../scripts/local-hub.mjs';

const env = { XDG_CONFIG_HOME: '/home/duty/.config' };

describe('launcher options', () => {
  it('on a bare desk: a local hub and the default simulated workers, everything else passed to the console', () => {
    const options = launcherOptions(['--port', '0', '--city-scale', 'small'], env);
    expect(options).toMatchObject({
      web: false,
      localHub: true,
      simWorkers: DEFAULT_SIM_WORKERS,
      simReports: DEFAULT_SIM_REPORTS,
      passThrough: ['--port', '0', '--city-scale', 'small'],
    });
    expect(DEFAULT_SIM_WORKERS).toBe(5000);
    expect(DEFAULT_SIM_REPORTS).toBe(6);
  });

  it('finds the data directory the console will use: the flag, the environment, then the per-user default', () => {
    expect(launcherOptions(['--data-dir', 'desk'], env).dataDir).toBe(resolve('desk'));
    expect(launcherOptions(['--data-dir=desk'], env).dataDir).toBe(resolve('desk'));
    expect(launcherOptions([], { ...env, GRIDLINE_DATA_DIR: '/srv/gridline' }).dataDir).toBe('/srv/gridline');
    if (process.platform === 'linux') {
      expect(launcherOptions([], env).dataDir).toBe(join('/home/duty/.config', 'Gridline'));
    }
  });

  it('starts no local hub when told not to, or when a hub is given (flag or environment)', () => {
    expect(launcherOptions(['--no-local-hub'], env)).toMatchObject({ localHub: false, passThrough: [] });
    const explicit = launcherOptions(['--hub', 'http://hub.city:5180', '--hub-secrets', 's.json'], env);
    expect(explicit.localHub).toBe(false);
    expect(explicit.passThrough).toEqual(['--hub', 'http://hub.city:5180', '--hub-secrets', 's.json']);
    expect(launcherOptions([], { ...env, GRIDLINE_HUB_URL: 'http://hub.city:5180' }).localHub).toBe(false);
  });

  it('takes --sim-workers N (0: none) and refuses anything but a whole number', () => {
    expect(launcherOptions(['--sim-workers', '0'], env).simWorkers).toBe(0);
    expect(launcherOptions(['--sim-workers=250', '--web'], env)).toMatchObject({ simWorkers: 250, web: true });
    for (const bad of [['--sim-workers'], ['--sim-workers', 'many'], ['--sim-workers', '-1'], ['--sim-workers=1.5']]) {
      expect(() => launcherOptions(bad, env), bad.join(' ')).toThrow(UsageError);
    }
  });

  it('takes --sim-reports N (reports a minute, 0: none) and refuses anything but a number from 0 to 6000', () => {
    expect(launcherOptions(['--sim-reports', '0'], env).simReports).toBe(0);
    expect(launcherOptions(['--sim-reports=12', '--port', '0'], env)).toMatchObject({
      simReports: 12,
      passThrough: ['--port', '0'],
    });
    expect(launcherOptions(['--sim-reports', '1.5'], env).simReports).toBe(1.5);
    for (const bad of [['--sim-reports'], ['--sim-reports', 'lots'], ['--sim-reports', '-2'], ['--sim-reports=9000']]) {
      expect(() => launcherOptions(bad, env), bad.join(' ')).toThrow(UsageError);
    }
  });

  it('splits --sim-reports between patrol and citizens’ reports; all citizens’ without simulated workers; 0 turns both off', () => {
    expect(simulatorRates({ simWorkers: 5000, simReports: 6 })).toEqual({ patrol: 3, citizen: 3 });
    expect(simulatorRates({ simWorkers: 0, simReports: 6 })).toEqual({ patrol: 0, citizen: 6 });
    expect(simulatorRates({ simWorkers: 5000, simReports: 0 })).toEqual({ patrol: 0, citizen: 0 });
    expect(simulatorRates(launcherOptions([], env))).toEqual({ patrol: 3, citizen: 3 });
  });
});
