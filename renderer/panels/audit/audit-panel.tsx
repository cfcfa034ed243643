/**
 * The audit trail for inspectors (issue #6, 每次访问可追溯): who did what, where, when and with what result, newest
 * first, filtered by operator and action (the trail's own lists), area code, result and a time window (today, 7 days,
 * 30 days or from/to in Zhengzhou time); older entries page in on demand. The chain check walks the whole trail and
 * says whether it is intact or names the first entry that is not what was signed. Export writes the filtered entries
 * to a file on the console's machine (CSV or JSON Lines) and shows its name, size and SHA-256 — in a browser, with a
 * link to download it. Every look at the trail and every export goes on the trail itself.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HostKind } from '../../../shared/contract';
import {
  AUDIT_ENTRY_RESULTS,
  AUDIT_EXPORT_KINDS,
  type AuditEntryView,
  type AuditExportKind,
  type AuditExportResult,
  type AuditFacetsView,
  type AuditFilterInput,
  type AuditVerifyView,
} from '../../../shared/contract/audit-contract';
import { ZHENGZHOU } from '../../../shared/domain/city';
import { useApi } from '../../app/providers/connection-context';
import './audit-panel.css';

export interface AuditPanelProps {
  onClose: () => void;
  /** Under the web host, an export is offered as a download from /exports/<name>. */
  host: HostKind;
  /** Whether to offer export (`audit.export`, an administrator's); the host refuses it anyway without. */
  canExport?: boolean;
}

const PAGE = 100;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AREA = /^[0-9A-Za-z._-]{1,64}$/;
const QUICK = ['today', '7d', '30d', 'all'] as const;
type Quick = (typeof QUICK)[number];
type Result = (typeof AUDIT_ENTRY_RESULTS)[number];

interface Shown {
  key: string;
  entries: AuditEntryView[];
  nextBefore: number | null;
  failure?: string;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** How far the city's clock is ahead of UTC at that instant, in ms. */
function cityOffset(at: number): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: ZHENGZHOU.timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    })
      .formatToParts(at)
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<'year' | 'month' | 'day' | 'hour' | 'minute', number>;
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
  return wall - Math.floor(at / 60_000) * 60_000;
}

/** An instant as a `datetime-local` value in city time (minutes). */
const toInput = (at: number): string => new Date(at + cityOffset(at)).toISOString().slice(0, 16);

/** A `datetime-local` value in city time as an instant; undefined when empty or unreadable. */
function fromInput(value: string): number | undefined {
  if (!value) return undefined;
  const wall = Date.parse(`${value}Z`);
  return Number.isNaN(wall) ? undefined : wall - cityOffset(wall);
}

/** The window a quick pick stands for, from now (called from event handlers, not during render). */
function quickWindow(quick: Quick): { from: string; to: string } {
  const now = Date.now();
  if (quick === 'all') return { from: '', to: '' };
  if (quick === 'today') return { from: `${toInput(now).slice(0, 10)}T00:00`, to: '' };
  return { from: toInput(now - (quick === '7d' ? 7 : 30) * DAY), to: '' };
}

const formatBytes = (bytes: number, language: string): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toLocaleString(language, { maximumFractionDigits: 1 })} KB`
      : `${(bytes / 1024 / 1024).toLocaleString(language, { maximumFractionDigits: 1 })} MB`;

export function AuditPanel({ onClose, host, canExport = true }: AuditPanelProps) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const [facets, setFacets] = useState<AuditFacetsView>();
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [areaText, setAreaText] = useState('');
  const [area, setArea] = useState('');
  const [result, setResult] = useState<Result | ''>('');
  const [quick, setQuick] = useState<Quick | undefined>('7d');
  const [fromText, setFromText] = useState(() => quickWindow('7d').from);
  const [toText, setToText] = useState('');
  /** Bumped by the refresh button: the same filter asked again. */
  const [refresh, setRefresh] = useState(0);
  /** What the trail answered, for which filter (and refresh). */
  const [shown, setShown] = useState<Shown>();
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [verify, setVerify] = useState<{ running: boolean; result?: AuditVerifyView; failure?: string }>({
    running: false,
  });
  const [exporting, setExporting] = useState<AuditExportKind>();
  const [exported, setExported] = useState<{ file?: AuditExportResult; failure?: string }>({});

  const time = useMemo(
    () =>
      new Intl.DateTimeFormat(i18n.language, {
        timeZone: ZHENGZHOU.timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hour12: false,
      }),
    [i18n.language],
  );

  // The area applies once typing pauses; while it is not a code, nothing is asked or exported.
  const areaValid = areaText.trim() === '' || AREA.test(areaText.trim());
  useEffect(() => {
    if (!areaValid) return;
    const timer = setTimeout(() => setArea(areaText.trim()), 400);
    return () => clearTimeout(timer);
  }, [areaText, areaValid]);

  const from = fromInput(fromText);
  const to = fromInput(toText);
  const windowValid = from === undefined || to === undefined || from <= to;
  const filter = useMemo<AuditFilterInput | undefined>(
    () =>
      windowValid && areaValid
        ? {
            ...(actor ? { actor } : {}),
            ...(action ? { action } : {}),
            ...(area ? { area } : {}),
            ...(result ? { result } : {}),
            ...(from === undefined ? {} : { from }),
            ...(to === undefined ? {} : { to }),
          }
        : undefined,
    [actor, action, area, result, from, to, windowValid, areaValid],
  );

  useEffect(() => {
    let current = true;
    api.audit.facets({}).then(
      (value) => current && setFacets(value),
      () => undefined, // the dropdowns then offer "all" only; the page's own failure says why
    );
    return () => {
      current = false;
    };
  }, [api]);

  const key = filter ? `${refresh} ${JSON.stringify(filter)}` : undefined;
  useEffect(() => {
    if (!filter || key === undefined) return;
    let current = true;
    api.audit.query({ ...filter, limit: PAGE }).then(
      (page) => current && setShown({ key, entries: page.entries, nextBefore: page.nextBefore }),
      (error: unknown) => current && setShown({ key, entries: [], nextBefore: null, failure: message(error) }),
    );
    return () => {
      current = false;
    };
  }, [api, filter, key]);
  const view = shown?.key === key ? shown : undefined;
  const loading = filter !== undefined && view === undefined;
  const entries = view?.entries ?? [];
  const nextBefore = view?.nextBefore ?? null;
  const failure = view?.failure;

  const loadOlder = (): void => {
    if (!filter || !view || view.nextBefore === null || loadingOlder) return;
    const { key: asked, nextBefore: before } = view;
    setLoadingOlder(true);
    api.audit.query({ ...filter, limit: PAGE, before }).then(
      (page) => {
        setLoadingOlder(false);
        // Appended only to the list it continues (the filter may have changed meanwhile).
        setShown((last) =>
          last?.key === asked && last.nextBefore === before
            ? { key: asked, entries: [...last.entries, ...page.entries], nextBefore: page.nextBefore }
            : last,
        );
      },
      (error: unknown) => {
        setLoadingOlder(false);
        setShown((last) => (last?.key === asked ? { ...last, failure: message(error) } : last));
      },
    );
  };

  const pickQuick = (next: Quick): void => {
    const window = quickWindow(next);
    setQuick(next);
    setFromText(window.from);
    setToText(window.to);
  };

  const runVerify = (): void => {
    setVerify({ running: true });
    api.audit.verify({}).then(
      (value) => setVerify({ running: false, result: value }),
      (error: unknown) => setVerify({ running: false, failure: message(error) }),
    );
  };

  const runExport = (format: AuditExportKind): void => {
    if (!filter) return;
    setExporting(format);
    setExported({});
    api.audit.export({ format, filter }).then(
      (file) => {
        setExporting(undefined);
        setExported({ file });
      },
      (error: unknown) => {
        setExporting(undefined);
        setExported({ failure: message(error) });
      },
    );
  };

  const options = (values: string[] | undefined, chosen: string): string[] =>
    values?.includes(chosen) || !chosen ? (values ?? []) : [chosen, ...(values ?? [])];

  return (
    <section className="audit-panel" aria-label={t('audit.title')} data-testid="audit-panel">
      <header>
        <h2>{t('audit.title')}</h2>
        <span className="hint">{t('audit.subtitle')}</span>
        <button type="button" onClick={onClose} aria-label={t('audit.close')}>
          ×
        </button>
      </header>

      <div className="filters">
        <label>
          {t('audit.operator')}
          <select value={actor} onChange={(event) => setActor(event.target.value)} data-testid="audit-actor">
            <option value="">{t('audit.any')}</option>
            {options(facets?.actors, actor).map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.action')}
          <select value={action} onChange={(event) => setAction(event.target.value)} data-testid="audit-action">
            <option value="">{t('audit.any')}</option>
            {options(facets?.actions, action).map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.area')}
          <input
            type="search"
            value={areaText}
            onChange={(event) => setAreaText(event.target.value)}
            placeholder={t('audit.areaPlaceholder')}
            title={t('audit.areaHint')}
            aria-invalid={!areaValid}
            spellCheck={false}
            data-testid="audit-area"
          />
        </label>
        <label>
          {t('audit.result')}
          <select
            value={result}
            onChange={(event) => setResult(event.target.value as Result | '')}
            data-testid="audit-result"
          >
            <option value="">{t('audit.any')}</option>
            {AUDIT_ENTRY_RESULTS.map((value) => (
              <option key={value} value={value}>
                {t(`audit.results.${value}`)}
              </option>
            ))}
          </select>
        </label>
        <div className="window">
          <span className="quick" role="group" aria-label={t('audit.window')}>
            {QUICK.map((value) => (
              <button
                key={value}
                type="button"
                aria-pressed={quick === value}
                onClick={() => pickQuick(value)}
                data-testid={`audit-quick-${value}`}
              >
                {t(`audit.quick.${value}`)}
              </button>
            ))}
          </span>
          <label>
            {t('audit.from')}
            <input
              type="datetime-local"
              value={fromText}
              onChange={(event) => {
                setQuick(undefined);
                setFromText(event.target.value);
              }}
              data-testid="audit-from"
            />
          </label>
          <label>
            {t('audit.to')}
            <input
              type="datetime-local"
              value={toText}
              onChange={(event) => {
                setQuick(undefined);
                setToText(event.target.value);
              }}
              data-testid="audit-to"
            />
          </label>
        </div>
        {!areaValid && (
          <p className="failure" role="alert">
            {t('audit.areaInvalid')}
          </p>
        )}
        {!windowValid && (
          <p className="failure" role="alert">
            {t('audit.windowInvalid')}
          </p>
        )}
        {facets?.truncated && <p className="hint">{t('audit.facetsTruncated')}</p>}
      </div>

      <div className="tools">
        <button type="button" onClick={() => setRefresh((n) => n + 1)} data-testid="audit-refresh">
          {t('audit.refresh')}
        </button>
        <button type="button" onClick={runVerify} disabled={verify.running} data-testid="audit-verify">
          {verify.running ? t('audit.verifying') : t('audit.verify')}
        </button>
        {canExport &&
          AUDIT_EXPORT_KINDS.map((format) => (
            <button
              key={format}
              type="button"
              onClick={() => runExport(format)}
              disabled={exporting !== undefined || !filter}
              data-testid={`audit-export-${format}`}
            >
              {exporting === format ? t('audit.exporting') : t(`audit.export.${format}`)}
            </button>
          ))}
      </div>
      {verify.result && (
        <p
          className={verify.result.ok ? 'verify verify-ok' : 'verify verify-bad'}
          role="status"
          data-testid="audit-verify-result"
        >
          {verify.result.ok
            ? t('audit.verifyOk', {
                entries: verify.result.entries.toLocaleString(i18n.language),
                head: verify.result.head ? `${verify.result.head.lastId}:${verify.result.head.lastHash}` : '—',
              })
            : t('audit.verifyBad', {
                id: verify.result.firstBad ?? '—',
                reason: verify.result.reason ?? '',
              })}
        </p>
      )}
      {verify.failure && (
        <p className="failure" role="alert">
          {t('audit.verifyFailed', { message: verify.failure })}
        </p>
      )}
      {exported.file && (
        <dl className="exported" data-testid="audit-exported">
          <dt>{t('audit.file')}</dt>
          <dd>
            {host === 'web' ? (
              <a href={`/exports/${exported.file.name}`} download={exported.file.name} data-testid="audit-download">
                {exported.file.name}
              </a>
            ) : (
              <span title={exported.file.path}>{exported.file.path}</span>
            )}
          </dd>
          <dt>{t('audit.entries')}</dt>
          <dd>{exported.file.entries.toLocaleString(i18n.language)}</dd>
          <dt>{t('audit.size')}</dt>
          <dd>{formatBytes(exported.file.bytes, i18n.language)}</dd>
          <dt>SHA-256</dt>
          <dd className="hash">{exported.file.sha256}</dd>
        </dl>
      )}
      {exported.failure && (
        <p className="failure" role="alert">
          {t('audit.exportFailed', { message: exported.failure })}
        </p>
      )}

      <div className="table" data-testid="audit-entries">
        <table>
          <thead>
            <tr>
              <th>{t('audit.columns.time')}</th>
              <th>{t('audit.columns.operator')}</th>
              <th>{t('audit.columns.action')}</th>
              <th>{t('audit.columns.area')}</th>
              <th>{t('audit.columns.result')}</th>
              <th>{t('audit.columns.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id} title={`#${entry.id} · ${entry.entryHash}`} data-result={entry.result}>
                <td className="time">{time.format(entry.at)}</td>
                <td>{entry.actor}</td>
                <td className="code">{entry.action}</td>
                <td className="code scope">{entry.scope}</td>
                <td>
                  <span className={`result result-${entry.result}`}>{t(`audit.results.${entry.result}`)}</span>
                </td>
                <td className="reason">{entry.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {failure && (
          <p className="failure" role="alert">
            {t('audit.failed', { message: failure })}
          </p>
        )}
        {filter && !loading && !failure && entries.length === 0 && <p className="hint">{t('audit.empty')}</p>}
        {loading && <p className="hint">{t('audit.loading')}</p>}
        {loadingOlder && <p className="hint">{t('audit.loading')}</p>}
        {!loading && !loadingOlder && nextBefore !== null && (
          <button type="button" className="older" onClick={loadOlder} data-testid="audit-older">
            {t('audit.older', { shown: entries.length.toLocaleString(i18n.language) })}
          </button>
        )}
        {!loading && nextBefore === null && entries.length > 0 && (
          <p className="hint">{t('audit.end', { shown: entries.length.toLocaleString(i18n.language) })}</p>
        )}
      </div>
    </section>
  );
}
