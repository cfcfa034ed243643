/** The bottom bar: link to the main process, host, data source, version and Beijing time. */
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../../shared/contract';
import { ZHENGZHOU } from '../../../shared/domain/city';
import { useConnectionState } from '../../app/providers/connection-context';
import { useNow } from '../../state/use-clock';

export interface StatusBarProps {
  info: AppInfo | undefined;
  onOpenDataNote: () => void;
}

export function StatusBar({ info, onOpenDataNote }: StatusBarProps) {
  const { t, i18n } = useTranslation();
  const connection = useConnectionState();
  const now = useNow();
  const time = new Intl.DateTimeFormat(i18n.language, {
    timeZone: ZHENGZHOU.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(now);

  return (
    <footer className="status-bar" data-testid="status-bar">
      <span
        className={`status-item connection connection-${connection}`}
        data-testid="connection"
        data-state={connection}
      >
        <span className="dot" aria-hidden="true" />
        {t(`status.connection.${connection}`)}
      </span>
      {info && <span className="status-item">{t(`status.host.${info.host}`)}</span>}
      <button type="button" className="status-item link" onClick={onOpenDataNote} data-testid="data-source">
        {t('status.dataSource')}
      </button>
      <span className="spacer" />
      {info && <span className="status-item">{t('status.version', { version: info.version })}</span>}
      <time className="status-item clock" dateTime={new Date(now).toISOString()} data-testid="clock">
        {t('status.clock', { time })}
      </time>
    </footer>
  );
}
