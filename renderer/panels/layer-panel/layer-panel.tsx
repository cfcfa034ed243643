/** Per-layer visibility, opacity and legend for this window. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GRID_METRICS, type GridMetricName } from '../../../shared/contract';
import { CAMERA_KINDS, SENSOR_KINDS, WORKER_STATUSES } from '../../../shared/domain/point-classes';
import { BOUNDARY_STYLE } from '../../map/layers/boundaries/boundaries-layer';
import {
  CAMERA_COLORS,
  SENSOR_KIND_COLORS,
  SENSOR_STATE_COLORS,
  WORKER_COLORS,
  type Rgba,
} from '../../map/layers/point-style';
import { FILL_RAMP, type FillLevel } from '../../map/layers/grid-fill/grid-fill-layer';
import { HEATMAP_COLORS } from '../../map/layers/ticket-heatmap/ticket-heatmap-layer';
import { DEADLINE_COLORS } from '../../map/layers/live-tickets/live-tickets-layer';
import { DEADLINE_STATES, DEADLINE_STATE_LABELS } from '../../../shared/domain/tickets/deadlines';
import { LAYER_KEYS, type LayerKey, type LayerSetting, type LayerSettings } from '../../state/use-layer-settings';

const css = ([r, g, b]: readonly number[]): string => `rgb(${r}, ${g}, ${b})`;

function Swatch({ color, label }: { color: Rgba | readonly number[]; label: string }) {
  return (
    <li>
      <span className="swatch" style={{ background: css(color) }} aria-hidden="true" />
      {label}
    </li>
  );
}

export interface LayerPanelProps {
  settings: LayerSettings;
  onChange: (key: LayerKey, change: Partial<LayerSetting>) => void;
  /** The grid fill's scale: the level coloured now and the value at the top of the ramp. */
  fillScale?: { level: FillLevel; max: number };
}

export function LayerPanel({ settings, onChange, fillScale }: LayerPanelProps) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(true);

  const legend = (key: LayerKey) => {
    switch (key) {
      case 'heatmap':
        return (
          <div
            className="gradient"
            style={{ background: `linear-gradient(90deg, ${HEATMAP_COLORS.map(css).join(', ')})` }}
          >
            <span>{t('layers.legend.fewer')}</span>
            <span>{t('layers.legend.more')}</span>
          </div>
        );
      case 'fill': {
        const metric = settings.fill.metric ?? 'openTickets';
        return (
          <>
            <select
              value={metric}
              onChange={(event) => onChange('fill', { metric: event.target.value as GridMetricName })}
              aria-label={t('layers.fillMetric')}
              data-testid="layer-fill-metric"
            >
              {GRID_METRICS.map((name) => (
                <option key={name} value={name}>
                  {t(`layers.metrics.${name}`)}
                </option>
              ))}
            </select>
            <div
              className="gradient"
              style={{ background: `linear-gradient(90deg, ${FILL_RAMP[metric].map(css).join(', ')})` }}
            >
              <span>0</span>
              {fillScale && (
                <span data-testid="layer-fill-max">
                  {t('layers.fillScale', {
                    level: t(`layers.gridLevels.${fillScale.level}`),
                    max: fillScale.max.toLocaleString(i18n.language),
                  })}
                </span>
              )}
            </div>
          </>
        );
      }
      case 'labels':
        return null;
      case 'liveTickets':
        return (
          <ul>
            {DEADLINE_STATES.map((state) => (
              <Swatch
                key={state}
                color={DEADLINE_COLORS[state]}
                label={i18n.language === 'en' ? DEADLINE_STATE_LABELS[state].en : DEADLINE_STATE_LABELS[state].zh}
              />
            ))}
          </ul>
        );
      case 'grids':
        return (
          <ul>
            {(['county', 'L1', 'L2', 'L3', 'micro', 'exclusive'] as const).map((level) => (
              <Swatch key={level} color={BOUNDARY_STYLE[level].color} label={t(`layers.gridLevels.${level}`)} />
            ))}
          </ul>
        );
      case 'workers':
        return (
          <ul>
            {WORKER_STATUSES.map((status, i) => (
              <Swatch key={status} color={WORKER_COLORS[i]!} label={t(`layers.workerStatus.${status}`)} />
            ))}
          </ul>
        );
      case 'cameras':
        return (
          <ul>
            {CAMERA_KINDS.map((kind, i) => (
              <Swatch key={kind} color={CAMERA_COLORS[i]!} label={t(`layers.cameraKinds.${kind}`)} />
            ))}
          </ul>
        );
      case 'sensors':
        return (
          <ul>
            {SENSOR_KINDS.map((kind, i) => (
              <Swatch key={kind} color={SENSOR_KIND_COLORS[i]!} label={t(`layers.sensorKinds.${kind}`)} />
            ))}
            {(['warning', 'alarm', 'offline'] as const).map((state) => (
              <Swatch key={state} color={SENSOR_STATE_COLORS[state]} label={t(`layers.sensorStates.${state}`)} />
            ))}
          </ul>
        );
    }
  };

  return (
    <section className="layer-panel" data-testid="layer-panel" aria-label={t('layers.title')}>
      <button type="button" className="toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        {t('layers.title')}
      </button>
      {open &&
        LAYER_KEYS.map((key) => (
          <div className="layer" key={key} data-testid={`layer-${key}`}>
            <label>
              <input
                type="checkbox"
                checked={settings[key].visible}
                onChange={(event) => onChange(key, { visible: event.target.checked })}
                data-testid={`layer-${key}-visible`}
              />
              {t(`layers.names.${key}`)}
            </label>
            <input
              type="range"
              min={0}
              max={1}
              step={0.05}
              value={settings[key].opacity}
              onChange={(event) => onChange(key, { opacity: Number(event.target.value) })}
              aria-label={t('layers.opacity', { layer: t(`layers.names.${key}`) })}
            />
            {settings[key].visible && legend(key)}
          </div>
        ))}
    </section>
  );
}
