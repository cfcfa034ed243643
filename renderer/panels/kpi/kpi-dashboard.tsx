/**
 * The KPI dashboard (issue #7): closure rate, satisfaction, mean and median handling time, overdue (open past the
 * deadline and closed late), reported, closed and open tickets for today, this month (Beijing calendar) or a custom
 * run of days; by county, channel or category (level 1 or 2) as a chart and a table. Refreshed on `tickets.changed`
 * (at most once a second), so an evaluation moves the figures while the commander watches.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatBeijingDate } from '../../../shared/domain/beijing-time';
import { useApi } from '../../app/providers/connection-context';
import { SLOW_REFETCH_MS } from '../../state/throttle';
import { useTicketsChanged } from '../../state/use-tickets-changed';
import { errorText } from '../users/users-errors';
import { KpiChart } from './kpi-chart';
import {
  defaultCustomDates,
  formatShare,
  handlingTimeWords,
  kpiRange,
  lastDayOf,
  type KpiRangeChoice,
} from './kpi-range';
import type { KpiFigures, TicketsKpiAnswer, TicketsKpiRequest } from './kpi-types';
import './kpi-dashboard.css';

type GroupBy = 'county' | 'channel' | 'category';
const GROUPS: readonly GroupBy[] = ['county', 'channel', 'category'];

export interface KpiDashboardProps {
  onClose: () => void;
  /** Over the other panels (it was opened or touched last); `onRaise` asks for it. */
  raised?: boolean;
  onRaise?: () => void;
}

export function KpiDashboard({ onClose, raised = false, onRaise }: KpiDashboardProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const english = language === 'en';
  const api = useApi();
  const [kind, setKind] = useState<KpiRangeChoice['kind']>('month');
  const [dates, setDates] = useState(() => defaultCustomDates(Math.floor(Date.now() / 1000)));
  const [groupBy, setGroupBy] = useState<GroupBy>('county');
  const [categoryLevel, setCategoryLevel] = useState<1 | 2>(1);
  const [refresh, setRefresh] = useState(0);
  const [shown, setShown] = useState<{ key: string; answer?: TicketsKpiAnswer; failure?: string }>();

  const request = useMemo<TicketsKpiRequest | undefined>(() => {
    const range = kpiRange(kind === 'custom' ? { kind, ...dates } : { kind });
    return range === undefined ? undefined : { range, groupBy, ...(groupBy === 'category' ? { categoryLevel } : {}) };
  }, [kind, dates, groupBy, categoryLevel]);
  const rangeInvalid = request === undefined;
  const key = request ? `${refresh} ${JSON.stringify(request)}` : undefined;
  useEffect(() => {
    if (!request || key === undefined) return;
    let current = true;
    api.tickets.kpi(request).then(
      (answer) => current && setShown({ key, answer }),
      (error: unknown) => current && setShown((last) => ({ key, answer: last?.answer, failure: errorText(error) })),
    );
    return () => {
      current = false;
    };
  }, [api, request, key]);

  const onChanged = useCallback(() => setRefresh((n) => n + 1), []);
  useTicketsChanged(SLOW_REFETCH_MS, onChanged);

  const answer = shown?.answer;
  const failure = shown?.key === key ? shown?.failure : undefined;
  const loading = request !== undefined && shown?.key !== key;
  const totals = answer?.totals;

  const count = (value: number): string => value.toLocaleString(language);
  const handling = (seconds: number | null): string => {
    const words = handlingTimeWords(seconds);
    return words.key === 'none'
      ? '—'
      : t(`kpi.${words.key}`, { value: words.value.toLocaleString(language, { maximumFractionDigits: 1 }) });
  };

  const rows = useMemo(() => answer?.rows ?? [], [answer]);
  const groups = useMemo(
    () =>
      rows.map((row) => ({
        name: english ? row.nameEn : row.name,
        closureRate: row.closureRate,
        satisfaction: row.satisfaction,
        reported: row.reported,
      })),
    [rows, english],
  );
  const labels = useMemo(
    () => ({ closure: t('kpi.closure'), satisfaction: t('kpi.satisfaction'), reported: t('kpi.reported') }),
    [t],
  );

  const figure = (label: string, value: string, testId?: string, note?: string) => (
    <div className="figure">
      <span className="label">{label}</span>
      <span className="value" data-testid={testId}>
        {value}
      </span>
      {note && <span className="note">{note}</span>}
    </div>
  );

  const overdueNote = (figures: KpiFigures): string =>
    t('kpi.overdueParts', { open: count(figures.overdueOpen), late: count(figures.closedLate) });

  return (
    <section
      className={raised ? 'kpi-dashboard raised' : 'kpi-dashboard'}
      aria-label={t('kpi.title')}
      onPointerDownCapture={onRaise}
      onFocusCapture={onRaise}
      data-testid="kpi-dashboard"
    >
      <header>
        <h2>{t('kpi.title')}</h2>
        {answer && (
          <span className="hint" data-testid="kpi-window">
            {t('kpi.window', {
              from: formatBeijingDate(answer.from),
              to: lastDayOf(answer.to),
            })}
          </span>
        )}
        <button type="button" onClick={onClose} aria-label={t('kpi.close')} data-testid="kpi-close">
          ×
        </button>
      </header>

      <div className="controls">
        <span className="quick" role="group" aria-label={t('kpi.range')}>
          {(['today', 'month', 'custom'] as const).map((value) => (
            <button
              key={value}
              type="button"
              aria-pressed={kind === value}
              onClick={() => setKind(value)}
              data-testid={`kpi-range-${value}`}
            >
              {t(`kpi.ranges.${value}`)}
            </button>
          ))}
        </span>
        {kind === 'custom' && (
          <>
            <label>
              {t('kpi.from')}
              <input
                type="date"
                value={dates.first}
                onChange={(event) => setDates({ ...dates, first: event.target.value })}
                aria-invalid={rangeInvalid}
                data-testid="kpi-from"
              />
            </label>
            <label>
              {t('kpi.to')}
              <input
                type="date"
                value={dates.last}
                onChange={(event) => setDates({ ...dates, last: event.target.value })}
                aria-invalid={rangeInvalid}
                data-testid="kpi-to"
              />
            </label>
          </>
        )}
        <label>
          {t('kpi.groupBy')}
          <select
            value={groupBy}
            onChange={(event) => setGroupBy(event.target.value as GroupBy)}
            data-testid="kpi-group-by"
          >
            {GROUPS.map((value) => (
              <option key={value} value={value}>
                {t(`kpi.groups.${value}`)}
              </option>
            ))}
          </select>
        </label>
        {groupBy === 'category' && (
          <label>
            {t('kpi.categoryLevel')}
            <select
              value={categoryLevel}
              onChange={(event) => setCategoryLevel(Number(event.target.value) as 1 | 2)}
              data-testid="kpi-category-level"
            >
              <option value={1}>{t('kpi.levels.1')}</option>
              <option value={2}>{t('kpi.levels.2')}</option>
            </select>
          </label>
        )}
        {loading && <span className="hint">{t('kpi.loading')}</span>}
      </div>
      {rangeInvalid && (
        <p className="failure" role="alert">
          {t('kpi.rangeInvalid')}
        </p>
      )}
      {failure && (
        <p className="failure" role="alert">
          {t('kpi.failed', { message: failure })}
        </p>
      )}

      {totals && (
        <div className="figures" role="status">
          {figure(t('kpi.closure'), formatShare(totals.closureRate, language), 'kpi-closure')}
          {figure(
            t('kpi.satisfaction'),
            formatShare(totals.satisfaction, language),
            'kpi-satisfaction',
            t('kpi.evaluated', { satisfied: count(totals.satisfied), evaluated: count(totals.evaluated) }),
          )}
          {figure(t('kpi.meanHandling'), handling(totals.meanHandlingSeconds), 'kpi-mean-handling')}
          {figure(t('kpi.medianHandling'), handling(totals.medianHandlingSeconds), 'kpi-median-handling')}
          {figure(t('kpi.overdue'), count(totals.overdue), 'kpi-overdue', overdueNote(totals))}
          {figure(
            t('kpi.reported'),
            count(totals.reported),
            'kpi-reported',
            t('kpi.closedOpen', { closed: count(totals.closed), open: count(totals.open) }),
          )}
        </div>
      )}

      {rows.length > 0 && <KpiChart groups={groups} labels={labels} />}

      <div className="table" data-testid="kpi-table">
        <table>
          <thead>
            <tr>
              <th>{t(`kpi.groups.${groupBy}`)}</th>
              <th>{t('kpi.reported')}</th>
              <th>{t('kpi.closed')}</th>
              <th>{t('kpi.closure')}</th>
              <th>{t('kpi.satisfaction')}</th>
              <th>{t('kpi.meanHandling')}</th>
              <th>{t('kpi.medianHandling')}</th>
              <th>{t('kpi.overdueOpen')}</th>
              <th>{t('kpi.closedLate')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={`${row.id}:${row.code}`} data-testid="kpi-row" data-code={row.code}>
                <td>{english ? row.nameEn : row.name}</td>
                <td className="number">{count(row.reported)}</td>
                <td className="number">{count(row.closed)}</td>
                <td className="number">{formatShare(row.closureRate, language)}</td>
                <td className="number">{formatShare(row.satisfaction, language)}</td>
                <td className="number">{handling(row.meanHandlingSeconds)}</td>
                <td className="number">{handling(row.medianHandlingSeconds)}</td>
                <td className="number">{count(row.overdueOpen)}</td>
                <td className="number">{count(row.closedLate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {answer && rows.length === 0 && <p className="hint">{t('kpi.empty')}</p>}
      </div>
    </section>
  );
}
