/**
 * The heatmap's time window: 24 h, 7 d, 30 d or a custom number of days, a slider over the whole ticket history,
 * play to step through time, and channel and category filters.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TicketFilters } from '../../../shared/contract';
import { ZHENGZHOU } from '../../../shared/domain/city';
import { DAY, HOUR, type TicketWindow } from '../../state/use-ticket-heatmap';

const PRESETS = [
  { key: '24h', span: DAY },
  { key: '7d', span: 7 * DAY },
  { key: '30d', span: 30 * DAY },
] as const;

/** Play advances the window by a quarter of its span this often. */
const PLAY_STEP_MS = 700;

export interface TicketWindowPanelProps {
  filters: TicketFilters;
  window: TicketWindow;
  total: number | undefined;
  onChange: (window: TicketWindow) => void;
}

export function TicketWindowPanel({ filters, window, total, onChange }: TicketWindowPanelProps) {
  const { t, i18n } = useTranslation();
  const [playing, setPlaying] = useState(false);
  const first = filters.first ?? 0;
  const last = Math.ceil(((filters.last ?? 0) + 1) / HOUR) * HOUR;
  const min = first + window.span;

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      const to = Math.min(last, window.to + Math.max(HOUR, window.span / 4));
      onChange({ ...window, to });
      if (to >= last) setPlaying(false);
    }, PLAY_STEP_MS);
    return () => clearInterval(timer);
  }, [playing, window, last, onChange]);

  const date = new Intl.DateTimeFormat(i18n.language, {
    timeZone: ZHENGZHOU.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: window.span < 7 * DAY ? '2-digit' : undefined,
    hour12: false,
  });
  const preset = PRESETS.find((option) => option.span === window.span)?.key ?? 'custom';
  const name = (entry: { name: string; nameEn: string }): string =>
    i18n.language === 'en' ? entry.nameEn : entry.name;

  return (
    <section className="ticket-window" data-testid="ticket-window" aria-label={t('ticketWindow.title')}>
      <div className="row">
        <strong>{t('ticketWindow.title')}</strong>
        {PRESETS.map((option) => (
          <button
            type="button"
            key={option.key}
            aria-pressed={preset === option.key}
            onClick={() => onChange({ ...window, span: option.span, to: Math.max(window.to, first + option.span) })}
          >
            {t(`ticketWindow.presets.${option.key}`)}
          </button>
        ))}
        <label className="custom">
          {t('ticketWindow.customDays')}
          <input
            type="number"
            min={1}
            max={Math.max(1, Math.floor((last - first) / DAY))}
            value={Math.round(window.span / DAY)}
            onChange={(event) => {
              const days = Math.max(1, Math.round(Number(event.target.value) || 1));
              onChange({ ...window, span: days * DAY, to: Math.max(window.to, first + days * DAY) });
            }}
            data-testid="ticket-window-days"
          />
        </label>
        <select
          value={window.channel ?? ''}
          onChange={(event) =>
            onChange({ ...window, channel: event.target.value === '' ? undefined : Number(event.target.value) })
          }
          aria-label={t('ticketWindow.channel')}
          data-testid="ticket-window-channel"
        >
          <option value="">{t('ticketWindow.allChannels')}</option>
          {filters.channels.map((channel) => (
            <option key={channel.id} value={channel.id}>
              {name(channel)}
            </option>
          ))}
        </select>
        <select
          value={window.categoryGroup ?? ''}
          onChange={(event) =>
            onChange({ ...window, categoryGroup: event.target.value === '' ? undefined : Number(event.target.value) })
          }
          aria-label={t('ticketWindow.category')}
          data-testid="ticket-window-category"
        >
          <option value="">{t('ticketWindow.allCategories')}</option>
          {filters.categoryGroups.map((group) => (
            <option key={group.group} value={group.group}>
              {name(group)}
            </option>
          ))}
        </select>
      </div>
      <div className="row">
        <button type="button" onClick={() => setPlaying(!playing)} data-testid="ticket-window-play">
          {playing ? t('ticketWindow.pause') : t('ticketWindow.play')}
        </button>
        <input
          type="range"
          min={min}
          max={last}
          step={HOUR}
          value={Math.min(Math.max(window.to, min), last)}
          onChange={(event) => onChange({ ...window, to: Number(event.target.value) })}
          aria-label={t('ticketWindow.slider')}
          data-testid="ticket-window-slider"
        />
        <span className="range" data-testid="ticket-window-range">
          {date.format((window.to - window.span) * 1000)} – {date.format(window.to * 1000)}
        </span>
        <span className="total" data-testid="ticket-window-total">
          {total === undefined
            ? ''
            : t('ticketWindow.total', { count: total, formatted: total.toLocaleString(i18n.language) })}
        </span>
      </div>
    </section>
  );
}
