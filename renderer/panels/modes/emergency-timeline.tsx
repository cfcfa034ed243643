/**
 * An emergency's timeline (`modes.timeline`): its switches, the activation broadcast and its receipts, key tickets —
 * in Beijing time, summaries in the UI language — fetched again whenever `modes.changed` says something moved, and
 * exported as JSON or CSV for the after-action report. A broadcast entry shows that broadcast's live receipts
 * (targeted, delivered, read) from the same broadcasts state the broadcast desk follows (`broadcast.receipts`), so they
 * count up as the workers' phones answer.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BroadcastStatus, EmergencyTimeline } from '../../../shared/contract';
import { BEIJING_OFFSET_S } from '../../../shared/domain/beijing-time';
import { LEVEL_INFO } from '../../../shared/domain/modes/emergency-levels';
import { EVENT_TYPE_NAMES } from '../../../shared/domain/modes/event-types';
import { useApi } from '../../app/providers/connection-context';
import { useBroadcasts } from '../../state/use-broadcasts';

type TimelineEntry = EmergencyTimeline['entries'][number];

/**
 * `YYYY-MM-DD HH:MM:SS` in Beijing time, whatever the desk's own time zone, of an emergency's time: the hub stream's,
 * in epoch seconds.
 */
export function beijingDateTime(epochSeconds: number): string {
  return new Date((epochSeconds + BEIJING_OFFSET_S) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** One row per entry: Beijing time, epoch seconds, kind, hub sequence, both summaries, the details as JSON. */
export function timelineCsv(timeline: EmergencyTimeline): string {
  const header = ['time_beijing', 'at_s', 'kind', 'seq', 'summary_zh', 'summary_en', 'details'];
  const rows = timeline.entries.map((entry) => [
    beijingDateTime(entry.at),
    String(entry.at),
    entry.kind,
    entry.seq === null ? '' : String(entry.seq),
    entry.summary.zh,
    entry.summary.en,
    JSON.stringify(entry.details),
  ]);
  // A byte-order mark, so a spreadsheet opens the Chinese text as UTF-8.
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/**
 * The broadcast a timeline entry records (`details.broadcast`, a `broadcast` entry's), with its latest receipts as
 * `broadcasts` holds them: the status, `undefined` while none has been heard, `null` for an entry of another kind.
 */
export function receiptsOf(
  entry: TimelineEntry,
  broadcasts: readonly BroadcastStatus[],
): { id: string; status: BroadcastStatus | undefined } | null {
  const id = entry.details['broadcast'];
  if (entry.kind !== 'broadcast' || typeof id !== 'string') return null;
  return { id, status: broadcasts.find((status) => status.id === id) };
}

function Receipts({ id, status }: { id: string; status: BroadcastStatus | undefined }) {
  const { t, i18n } = useTranslation();
  const number = (value: number): string => value.toLocaleString(i18n.language);
  if (!status) {
    return (
      <p className="receipts hint" data-testid="mode-timeline-receipts" data-broadcast={id}>
        {t('modes.timeline.receipts.none')}
      </p>
    );
  }
  const share = (value: number): string =>
    status.targeted > 0 ? ` (${Math.round((value / status.targeted) * 100)}%)` : '';
  return (
    <p
      className="receipts"
      data-testid="mode-timeline-receipts"
      data-broadcast={id}
      data-targeted={status.targeted}
      data-delivered={status.delivered}
      data-read={status.read}
    >
      <span>{t('modes.timeline.receipts.targeted', { value: number(status.targeted) })}</span>
      <span>
        {t('modes.timeline.receipts.delivered', { value: number(status.delivered) + share(status.delivered) })}
      </span>
      <span>{t('modes.timeline.receipts.read', { value: number(status.read) + share(status.read) })}</span>
    </p>
  );
}

function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the blob to the download by now; the URL is not needed again.
  window.setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function EmergencyTimelineView({ id, onBack }: { id: string; onBack: () => void }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const en = i18n.language === 'en';
  const [timeline, setTimeline] = useState<EmergencyTimeline>();
  const [failure, setFailure] = useState<string>();
  const { broadcasts } = useBroadcasts();

  useEffect(() => {
    let current = true;
    let latest = 0;
    const load = (): void => {
      const request = ++latest;
      api.modes.timeline({ emergency: id }).then(
        (next) => {
          if (!current || request !== latest) return;
          setTimeline(next);
          setFailure(undefined);
        },
        (error: unknown) => current && setFailure(error instanceof Error ? error.message : String(error)),
      );
    };
    load();
    const off = api.events.on('modes.changed', load);
    return () => {
      current = false;
      off();
    };
  }, [api, id]);

  const emergency = timeline?.emergency;
  const base = `emergency-${id}`;
  return (
    <div className="mode-timeline" data-testid="mode-timeline">
      <header>
        <button type="button" onClick={onBack} data-testid="mode-timeline-back">
          ← {t('modes.timeline.back')}
        </button>
        <h2>{t('modes.timeline.title')}</h2>
      </header>
      {emergency && (
        <p className="hint">
          {EVENT_TYPE_NAMES[emergency.eventType][en ? 'en' : 'zh']} ·{' '}
          {en ? emergency.scopeLabel.en : emergency.scopeLabel.zh} ·{' '}
          {emergency.level
            ? LEVEL_INFO[emergency.level][en ? 'en' : 'zh']
            : t('modes.endedAt', {
                time: emergency.endedAt === null ? '—' : beijingDateTime(emergency.endedAt),
              })}
        </p>
      )}
      <div className="row">
        <button
          type="button"
          disabled={!timeline}
          onClick={() => timeline && download(`${base}.json`, 'application/json', JSON.stringify(timeline, null, 2))}
          data-testid="mode-timeline-export-json"
        >
          {t('modes.timeline.exportJson')}
        </button>
        <button
          type="button"
          disabled={!timeline}
          onClick={() => timeline && download(`${base}.csv`, 'text/csv;charset=utf-8', timelineCsv(timeline))}
          data-testid="mode-timeline-export-csv"
        >
          {t('modes.timeline.exportCsv')}
        </button>
      </div>
      {failure && (
        <p className="failure" role="alert">
          {t('modes.timeline.failed', { message: failure })}
        </p>
      )}
      {!timeline && !failure && <p className="hint">{t('modes.timeline.loading')}</p>}
      {timeline && (
        <ol className="entries">
          {timeline.entries.map((entry, i) => {
            const receipts = receiptsOf(entry, broadcasts);
            return (
              <li key={`${entry.at}-${entry.seq ?? ''}-${i}`} data-testid="mode-timeline-entry" data-kind={entry.kind}>
                <time dateTime={new Date(entry.at * 1000).toISOString()}>{beijingDateTime(entry.at)}</time>
                <span className="kind">{t(`modes.timeline.kinds.${entry.kind}`, { defaultValue: entry.kind })}</span>
                <span className="summary">{en ? entry.summary.en : entry.summary.zh}</span>
                {receipts && <Receipts id={receipts.id} status={receipts.status} />}
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
