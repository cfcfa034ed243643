/**
 * An emergency's layer preset over the operator's own layer settings. The preset is worn, never saved: the window's
 * stored settings stay as the operator left them, so when the last emergency ends they come back exactly. A layer the
 * operator changes while a preset holds changes on this window at once, on top of the preset, and is not saved; it
 * lasts until the preset changes or ends.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Emergency } from '../../shared/contract';
import type { LayerKey } from '../../shared/domain/map-layers';
import { LEVEL_INFO } from '../../shared/domain/modes/emergency-levels';
import type { SensorKind } from '../../shared/domain/point-classes';
import type { LayerSetting, LayerSettings } from './use-layer-settings';

export const NORMAL_PRESET = 'normal';

export interface ModePreset {
  /** What the map draws (and the layer panel shows): the operator's settings with the preset's layers switched. */
  settings: LayerSettings;
  /** The sensor kinds the sensor layer shows; undefined for all of them. */
  sensorKinds: readonly SensorKind[] | undefined;
  /** The profile whose preset holds, or `normal`. */
  id: string;
}

type Changes = Partial<Record<LayerKey, Partial<LayerSetting>>>;
const NO_CHANGES: Changes = {};

/** The active emergencies, most severe first (level I before IV); at the same level the one started first. */
export function bySeverity(active: readonly Emergency[]): Emergency[] {
  const rank = (emergency: Emergency): number => (emergency.level ? LEVEL_INFO[emergency.level].rank : 5);
  return [...active]
    .filter((emergency) => emergency.level !== null)
    .sort((a, b) => rank(a) - rank(b) || a.startedAt - b.startedAt || a.id.localeCompare(b.id));
}

/** The preset of `emergency` (the most severe active one) over `own`; `own` itself in normal mode. */
export function applyModePreset(own: LayerSettings, emergency: Emergency | undefined): ModePreset {
  if (!emergency) return { settings: own, sensorKinds: undefined, id: NORMAL_PRESET };
  const settings = { ...own };
  for (const key of emergency.layers.show) settings[key] = { ...settings[key], visible: true };
  for (const key of emergency.layers.hide) settings[key] = { ...settings[key], visible: false };
  return { settings, sensorKinds: emergency.layers.sensorKinds, id: emergency.profile.id };
}

/** The most severe of the `active` emergencies' preset over `own`; `own` itself when none is active. */
export function presetOf(own: LayerSettings, active: readonly Emergency[]): ModePreset {
  return applyModePreset(own, bySeverity(active)[0]);
}

/** `changes` over `settings`, layer by layer. */
export function withChanges(settings: LayerSettings, changes: Changes): LayerSettings {
  if (changes === NO_CHANGES) return settings;
  const next = { ...settings };
  for (const [key, change] of Object.entries(changes) as [LayerKey, Partial<LayerSetting>][]) {
    next[key] = { ...next[key], ...change };
  }
  return next;
}

/**
 * The layer settings this window draws: the own ones in normal mode (changes saved), the most severe emergency's
 * preset over them otherwise (changes kept for this preset only). Marks `<html data-mode-preset="<profile id>|normal">`
 * so tests see which preset holds.
 */
export function useModePreset(
  own: LayerSettings,
  setOwn: (key: LayerKey, change: Partial<LayerSetting>) => void,
  emergency: Emergency | undefined,
): ModePreset & { onChange: (key: LayerKey, change: Partial<LayerSetting>) => void } {
  const preset = useMemo(() => applyModePreset(own, emergency), [own, emergency]);
  const presetKey = emergency ? `${emergency.id}@${emergency.level ?? ''}` : NORMAL_PRESET;
  const [local, setLocal] = useState<{ key: string; changes: Changes }>({ key: NORMAL_PRESET, changes: NO_CHANGES });
  const changes = local.key === presetKey ? local.changes : NO_CHANGES;
  const settings = useMemo(() => withChanges(preset.settings, changes), [preset.settings, changes]);
  const onChange = useCallback(
    (key: LayerKey, change: Partial<LayerSetting>) => {
      if (presetKey === NORMAL_PRESET) {
        setOwn(key, change);
        return;
      }
      setLocal((previous) => {
        const kept = previous.key === presetKey ? previous.changes : NO_CHANGES;
        return { key: presetKey, changes: { ...kept, [key]: { ...kept[key], ...change } } };
      });
    },
    [presetKey, setOwn],
  );
  useEffect(() => {
    document.documentElement.dataset.modePreset = preset.id;
  }, [preset.id]);
  return { ...preset, settings, onChange };
}
