/**
 * The emergency band across the top of the map on every window: one strip per active emergency, most severe first, in
 * its level's colour — level, event type, scope, time since it started (ticking) and who started it. Nothing in normal
 * mode.
 */
import { useTranslation } from 'react-i18next';
import type { Emergency } from '../../../shared/contract';
import { LEVEL_INFO } from '../../../shared/domain/modes/emergency-levels';
import { EVENT_TYPE_NAMES } from '../../../shared/domain/modes/event-types';
import { useNow } from '../../state/use-clock';
import './mode-band.css';

/** `hh:mm:ss` for a span in seconds (hours past 24 keep counting: 27:03:12). */
export function formatElapsed(span: number): string {
  const seconds = Math.max(0, Math.floor(span));
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}

/** Dark text on the light level colours (yellow, orange), light text on the dark ones. */
const INK: Record<keyof typeof LEVEL_INFO, string> = { IV: '#ffffff', III: '#1a1400', II: '#1a0c00', I: '#ffffff' };

export function ModeBand({ emergencies }: { emergencies: readonly Emergency[] }) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  if (emergencies.length === 0) return null;
  const en = i18n.language === 'en';
  return (
    <div className="mode-band" role="status" aria-label={t('modes.band.label')} data-testid="mode-band">
      {emergencies.map((emergency) => {
        const level = emergency.level;
        if (!level) return null;
        const info = LEVEL_INFO[level];
        return (
          <div
            key={emergency.id}
            className="mode-band-item"
            style={{ background: info.colour, color: INK[level] }}
            data-testid="mode-band-item"
            data-level={level}
            data-event={emergency.eventType}
          >
            <strong className="level">{en ? info.en : info.zh}</strong>
            <span className="event">{EVENT_TYPE_NAMES[emergency.eventType][en ? 'en' : 'zh']}</span>
            <span className="scope">{en ? emergency.scopeLabel.en : emergency.scopeLabel.zh}</span>
            <span className="elapsed" title={t('modes.band.elapsed')} data-testid="mode-band-elapsed">
              {/* An emergency's times are the hub stream's, in epoch seconds. */}
              {formatElapsed(now / 1000 - emergency.startedAt)}
            </span>
            <span className="by">{t('modes.band.startedBy', { name: emergency.startedBy.displayName })}</span>
          </div>
        );
      })}
    </div>
  );
}
