import { describe, expect, it } from 'vitest';
import type { Emergency } from '../../../../shared/contract';
import type { EmergencyLevel } from '../../../../shared/domain/modes/emergency-levels';
import {
  applyModePreset,
  bySeverity,
  NORMAL_PRESET,
  presetOf,
  withChanges,
} from '../../../../renderer/state/mode-preset';
import { DEFAULT_LAYER_SETTINGS, type LayerSettings } from '../../../../renderer/state/use-layer-settings';

let serial = 0;
function emergency(
  level: EmergencyLevel | null,
  startedAt: number,
  layers: Emergency['layers'],
  profile = `profile-${++serial}`,
): Emergency {
  const n = String(++serial).padStart(12, '0');
  return {
    id: `e-00000000-0000-4000-8000-${n}`,
    key: `rainstorm_flood:city:${n}`,
    eventType: 'rainstorm_flood',
    scope: { kind: 'city' },
    scopeLabel: { zh: '全市', en: 'Whole city' },
    level,
    profile: { id: profile, version: 1 },
    layers,
    startedAt,
    updatedAt: startedAt,
    endedAt: level === null ? startedAt + 60 : null,
    startedBy: { username: 'chief', displayName: 'Chief' },
    console: 'console-a',
    sensors: 0,
  };
}

/** The operator's own settings: not the defaults, so a preset that fell back to the defaults would show. */
function own(): LayerSettings {
  return {
    ...DEFAULT_LAYER_SETTINGS,
    heatmap: { visible: true, opacity: 0.3 },
    workers: { visible: false, opacity: 0.6 },
    cameras: { visible: false, opacity: 0.9 },
    sensors: { visible: false, opacity: 0.5 },
    fill: { visible: true, opacity: 0.4, metric: 'overdueTickets' },
  };
}

const flood: Emergency['layers'] = { show: ['sensors', 'workers'], hide: ['heatmap'], sensorKinds: ['water_level'] };
const crowd: Emergency['layers'] = { show: ['cameras'], hide: ['sensors', 'workers'] };

describe('bySeverity', () => {
  it('puts level I before II before III before IV', () => {
    const iv = emergency('IV', 100, flood);
    const i = emergency('I', 400, flood);
    const iii = emergency('III', 200, flood);
    const ii = emergency('II', 300, flood);
    expect(bySeverity([iv, i, iii, ii]).map((e) => e.level)).toEqual(['I', 'II', 'III', 'IV']);
  });

  it('breaks a tie at the same level by start time, the earlier first, whatever the list order', () => {
    const later = emergency('III', 2_000, flood);
    const earlier = emergency('III', 1_000, crowd);
    expect(bySeverity([later, earlier]).map((e) => e.id)).toEqual([earlier.id, later.id]);
    expect(bySeverity([earlier, later]).map((e) => e.id)).toEqual([earlier.id, later.id]);
  });

  it('leaves out ended emergencies (no level) and does not reorder the list it is given', () => {
    const ended = emergency(null, 10, crowd);
    const active = emergency('IV', 20, flood);
    const list = [ended, active];
    expect(bySeverity(list)).toEqual([active]);
    expect(list).toEqual([ended, active]);
  });
});

describe('the mode preset over the operator settings', () => {
  it('is exactly the operator settings object in normal mode', () => {
    const settings = own();
    const preset = applyModePreset(settings, undefined);
    expect(preset.settings).toBe(settings);
    expect(preset.sensorKinds).toBeUndefined();
    expect(preset.id).toBe(NORMAL_PRESET);
  });

  it('switches the preset layers and keeps everything else of the operator settings', () => {
    const settings = own();
    const before = structuredClone(settings);
    const preset = applyModePreset(settings, emergency('III', 1, flood, 'rainstorm-flood'));
    expect(preset.id).toBe('rainstorm-flood');
    expect(preset.sensorKinds).toEqual(['water_level']);
    expect(preset.settings.sensors).toEqual({ visible: true, opacity: 0.5 });
    expect(preset.settings.workers).toEqual({ visible: true, opacity: 0.6 });
    expect(preset.settings.heatmap).toEqual({ visible: false, opacity: 0.3 });
    // Untouched layers are the operator's, not the defaults.
    expect(preset.settings.cameras).toEqual(settings.cameras);
    expect(preset.settings.fill).toEqual(settings.fill);
    // Worn, never written over the operator's own.
    expect(settings).toEqual(before);
  });

  it('wears the most severe emergency preset, and the earlier one at the same level', () => {
    const settings = own();
    const floodIII = emergency('III', 100, flood, 'rainstorm-flood');
    const crowdII = emergency('II', 200, crowd, 'major-event');
    expect(presetOf(settings, [floodIII, crowdII]).id).toBe('major-event');
    expect(presetOf(settings, [floodIII, crowdII]).settings.sensors.visible).toBe(false);
    expect(presetOf(settings, [floodIII, crowdII]).sensorKinds).toBeUndefined();

    const crowdIIIlater = emergency('III', 300, crowd, 'major-event');
    expect(presetOf(settings, [crowdIIIlater, floodIII]).id).toBe('rainstorm-flood');
  });

  it('gives back exactly the operator settings when the last emergency ends', () => {
    const settings = own();
    const snapshot = structuredClone(settings);
    const floodIII = emergency('III', 100, flood, 'rainstorm-flood');
    const crowdII = emergency('II', 200, crowd, 'major-event');
    // Both hold, then the more severe ends, then the last one ends.
    expect(presetOf(settings, [floodIII, crowdII]).id).toBe('major-event');
    expect(presetOf(settings, [floodIII]).id).toBe('rainstorm-flood');
    const normal = presetOf(settings, [{ ...floodIII, level: null, endedAt: 500 }]);
    expect(normal.id).toBe(NORMAL_PRESET);
    expect(normal.settings).toBe(settings);
    expect(normal.settings).toEqual(snapshot);
    expect(normal.sensorKinds).toBeUndefined();
  });
});

describe('withChanges', () => {
  it('returns the same settings for no changes and merges a change layer by layer', () => {
    const settings = own();
    expect(withChanges(settings, {})).toEqual(settings);
    const changed = withChanges(settings, { cameras: { visible: true } });
    expect(changed.cameras).toEqual({ visible: true, opacity: 0.9 });
    expect(settings.cameras.visible).toBe(false);
  });
});
