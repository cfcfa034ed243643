/**
 * The ticket board (issue #7): the cases matching the desk's filters — channel, category (a level-1 group or any
 * code), county, status (the open ones unless chosen), deadline (warning or overdue) and live only — sorted by time to
 * deadline (or newest, oldest), 50 a page. Live: every `tickets.changed` refetches the page (at most ~4 times a
 * second), and cases that just came in are highlighted for a few seconds.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  TICKET_BOARD_SORTS,
  type TicketBoard as TicketBoardData,
  type TicketFilters,
  type TicketQuery,
  type TicketRow,
} from '../../../shared/contract';
import { CHANNELS, TICKET_STATUSES, type TicketStatus } from '../../../shared/domain/channels';
import { DEADLINE_STATE_LABELS } from '../../../shared/domain/tickets/deadlines';
import { TICKET_STATUS_LABELS } from '../../../shared/domain/tickets/lifecycle';
import { useApi } from '../../app/providers/connection-context';
import { LIVE_REFETCH_MS } from '../../state/throttle';
import { useNow } from '../../state/use-clock';
import { useTicketsChanged } from '../../state/use-tickets-changed';
import { errorText } from '../users/users-errors';
import { bilingual, formatClock, groupCode, secondsLeftAt } from './ticket-format';

export const BOARD_PAGE = 50;
/** How long a case that just came in stays highlighted. */
const FRESH_MS = 6000;
/** The clocks move on their own; the board is asked again at least this often. */
const REFRESH_MS = 60_000;
const CATEGORY_CODE = /^\d{2}(\d{2}){0,2}$/;

type Sort = (typeof TICKET_BOARD_SORTS)[number];
type StatusChoice = 'open' | 'all' | TicketStatus;

export interface County {
  code: string;
  name: string;
  nameEn: string;
}

export interface TicketBoardProps {
  selectedId: number | undefined;
  onSelect: (row: TicketRow) => void;
}

interface Shown {
  key: string;
  board?: TicketBoardData;
  failure?: string;
}

export function TicketBoard({ selectedId, onSelect }: TicketBoardProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const api = useApi();
  const now = useNow();

  const [filters, setFilters] = useState<TicketFilters>();
  const [counties, setCounties] = useState<County[]>([]);
  const [channel, setChannel] = useState('');
  const [group, setGroup] = useState('');
  const [codeText, setCodeText] = useState('');
  const [county, setCounty] = useState('');
  const [status, setStatus] = useState<StatusChoice>('open');
  const [deadline, setDeadline] = useState<'' | 'warning' | 'overdue'>('');
  const [liveOnly, setLiveOnly] = useState(false);
  const [sort, setSort] = useState<Sort>('deadline');
  const [offset, setOffset] = useState(0);
  const [refresh, setRefresh] = useState(0);
  const [shown, setShown] = useState<Shown>();
  /** Cases heard as new reports, with when they were heard (ms). */
  const [fresh, setFresh] = useState<ReadonlyMap<number, number>>(new Map());
  /** The newest report heard, and how long after the hub received it the board showed it. */
  const [latency, setLatency] = useState<{ hubId: string; ms: number }>();
  const awaited = useRef<{ id: number; hubId: string; receivedAt: number }>(undefined);

  // The lists to filter by: channels, category groups and every county-level unit of the city.
  useEffect(() => {
    let current = true;
    api.tickets.getFilters({}).then(
      (value) => {
        if (!current) return;
        setFilters(value);
        setCounties(value.counties);
      },
      () => undefined, // the dropdowns then offer "all" only; the board's own failure says why
    );
    return () => {
      current = false;
    };
  }, [api]);

  const code = codeText.trim();
  const codeValid = code === '' || CATEGORY_CODE.test(code);
  const query = useMemo<TicketQuery | undefined>(() => {
    if (!codeValid) return undefined;
    const category = code || (group === '' ? undefined : groupCode(Number(group)));
    return {
      ...(status === 'all' ? { statuses: [...TICKET_STATUSES] } : status === 'open' ? {} : { statuses: [status] }),
      ...(channel ? { channels: [Number(channel)] } : {}),
      ...(category ? { category } : {}),
      ...(county ? { county } : {}),
      ...(deadline ? { deadline } : {}),
      ...(liveOnly ? { liveOnly: true } : {}),
      sort,
      limit: BOARD_PAGE,
      offset,
    };
  }, [codeValid, code, group, status, channel, county, deadline, liveOnly, sort, offset]);

  const key = query ? `${refresh} ${JSON.stringify(query)}` : undefined;
  useEffect(() => {
    if (!query || key === undefined) return;
    let current = true;
    api.tickets.list(query).then(
      (board) => {
        if (!current) return;
        setShown({ key, board });
        // The on-screen latency: from the hub's receipt of a new report to the first page that holds it.
        const report = awaited.current;
        if (report && board.rows.some((row) => row.id === report.id)) {
          awaited.current = undefined;
          setLatency({ hubId: report.hubId, ms: Date.now() - report.receivedAt });
        }
      },
      (error: unknown) => current && setShown((last) => ({ key, board: last?.board, failure: errorText(error) })),
    );
    return () => {
      current = false;
    };
  }, [api, query, key]);

  // The page shown stays until the next answer comes: a refetch every quarter second must not blink.
  const board = shown?.board;
  const failure = shown?.key === key ? shown?.failure : undefined;
  const loading = query !== undefined && shown?.key !== key;

  const onChanged = useCallback((events: { id: number; hubId: string; kind: string; receivedAt: number | null }[]) => {
    const heardAt = Date.now();
    const reports = events.filter((event) => event.kind === 'reported');
    if (reports.length > 0) {
      setFresh((previous) => {
        const next = new Map([...previous].filter(([, at]) => heardAt - at < FRESH_MS));
        for (const event of reports) next.set(event.id, heardAt);
        return next;
      });
      const last = reports[reports.length - 1]!;
      if (last.receivedAt !== null) awaited.current = { id: last.id, hubId: last.hubId, receivedAt: last.receivedAt };
    }
    setRefresh((n) => n + 1);
  }, []);
  useTicketsChanged(LIVE_REFETCH_MS, onChanged);

  useEffect(() => {
    const timer = setInterval(() => setRefresh((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  const change =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setOffset(0);
    };

  const time = useMemo(
    () =>
      new Intl.DateTimeFormat(language, {
        timeZone: 'Asia/Shanghai',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hour12: false,
      }),
    [language],
  );

  const nowSeconds = Math.floor(now / 1000);
  const total = board?.total ?? 0;
  // Past 10,000 matches the main process stops counting: "10,000+", and the pages go on while they are full.
  const capped = board?.totalCapped ?? false;
  const totalText = `${total.toLocaleString(language)}${capped ? '+' : ''}`;
  const channelName = (id: number): string => {
    const spec = CHANNELS.find((candidate) => candidate.id === id);
    return spec ? (language === 'en' ? spec.nameEn : spec.name) : String(id);
  };

  return (
    <div className="ticket-board" data-testid="ticket-board">
      <div className="filters">
        <label>
          {t('tickets.filters.channel')}
          <select
            value={channel}
            onChange={(event) => change(setChannel)(event.target.value)}
            data-testid="ticket-filter-channel"
          >
            <option value="">{t('tickets.filters.any')}</option>
            {CHANNELS.map((spec) => (
              <option key={spec.id} value={spec.id}>
                {language === 'en' ? spec.nameEn : spec.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('tickets.filters.category')}
          <select
            value={group}
            onChange={(event) => change(setGroup)(event.target.value)}
            disabled={code !== ''}
            data-testid="ticket-filter-category"
          >
            <option value="">{t('tickets.filters.any')}</option>
            {(filters?.categoryGroups ?? []).map((entry) => (
              <option key={entry.group} value={entry.group}>
                {language === 'en' ? entry.nameEn : entry.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('tickets.filters.code')}
          <input
            type="search"
            className="code"
            value={codeText}
            onChange={(event) => change(setCodeText)(event.target.value)}
            placeholder="010203"
            title={t('tickets.filters.codeHint')}
            aria-invalid={!codeValid}
            inputMode="numeric"
            spellCheck={false}
            data-testid="ticket-filter-code"
          />
        </label>
        <label>
          {t('tickets.filters.county')}
          <select
            value={county}
            onChange={(event) => change(setCounty)(event.target.value)}
            data-testid="ticket-filter-county"
          >
            <option value="">{t('tickets.filters.any')}</option>
            {counties.map((entry) => (
              <option key={entry.code} value={entry.code}>
                {language === 'en' ? entry.nameEn : entry.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('tickets.filters.status')}
          <select
            value={status}
            onChange={(event) => change(setStatus)(event.target.value as StatusChoice)}
            data-testid="ticket-filter-status"
          >
            <option value="open">{t('tickets.filters.open')}</option>
            <option value="all">{t('tickets.filters.allStatuses')}</option>
            {TICKET_STATUSES.map((value) => (
              <option key={value} value={value}>
                {bilingual(TICKET_STATUS_LABELS[value], language)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('tickets.filters.deadline')}
          <select
            value={deadline}
            onChange={(event) => change(setDeadline)(event.target.value as '' | 'warning' | 'overdue')}
            data-testid="ticket-filter-deadline"
          >
            <option value="">{t('tickets.filters.any')}</option>
            <option value="warning">{t('tickets.filters.warning')}</option>
            <option value="overdue">{t('tickets.filters.overdue')}</option>
          </select>
        </label>
        <label>
          {t('tickets.filters.sort')}
          <select
            value={sort}
            onChange={(event) => change(setSort)(event.target.value as Sort)}
            data-testid="ticket-sort"
          >
            {TICKET_BOARD_SORTS.map((value) => (
              <option key={value} value={value}>
                {t(`tickets.sort.${value}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={liveOnly}
            onChange={(event) => change(setLiveOnly)(event.target.checked)}
            data-testid="ticket-filter-live"
          />
          {t('tickets.filters.liveOnly')}
        </label>
        {!codeValid && (
          <p className="failure" role="alert">
            {t('tickets.filters.codeInvalid')}
          </p>
        )}
      </div>

      <div className="summary" role="status">
        <span data-testid="ticket-total">{t('tickets.total', { total: totalText })}</span>
        {latency && (
          <span className="hint" data-testid="ticket-latency">
            {t('tickets.latency', { id: latency.hubId, seconds: (latency.ms / 1000).toFixed(1) })}
          </span>
        )}
        {loading && <span className="hint">{t('tickets.loading')}</span>}
      </div>
      {failure && (
        <p className="failure" role="alert">
          {t('tickets.failed', { message: failure })}
        </p>
      )}

      <ol className="rows" aria-label={t('tickets.rows')}>
        {board?.rows.map((row) => {
          const left = secondsLeftAt(row, board.now, nowSeconds);
          const isFresh = (fresh.get(row.id) ?? -Infinity) > now - FRESH_MS;
          return (
            <li key={row.id}>
              <button
                type="button"
                className={`ticket-row${isFresh ? ' fresh' : ''}`}
                aria-pressed={row.id === selectedId}
                onClick={() => onSelect(row)}
                data-testid="ticket-row"
                data-ticket-id={row.id}
                data-deadline={row.deadline}
                data-new={isFresh || undefined}
              >
                <span className="line">
                  <span className={`deadline deadline-${row.deadline}`}>
                    {bilingual(DEADLINE_STATE_LABELS[row.deadline], language)}
                  </span>
                  <span className={left < 0 ? 'left overdue' : 'left'}>{formatClock(row.status, left, t)}</span>
                  <span className="category" title={row.category.code}>
                    {language === 'en' ? row.category.nameEn : row.category.name}
                  </span>
                  <span className="status">{bilingual(TICKET_STATUS_LABELS[row.status], language)}</span>
                  {isFresh && <span className="marker new">{t('tickets.markers.new')}</span>}
                  {row.joint && <span className="marker joint">{t('tickets.markers.joint')}</span>}
                  {row.escalated && <span className="marker escalated">{t('tickets.markers.escalated')}</span>}
                  {row.mergedInto !== null && (
                    <span className="marker merged">
                      {t('tickets.markers.merged', {
                        id: board.rows.find((other) => other.id === row.mergedInto)?.hubId ?? `#${row.mergedInto}`,
                      })}
                    </span>
                  )}
                </span>
                <span className="line meta">
                  <span>
                    {row.grid.name} · {row.county}
                  </span>
                  {/* The history does not record its department: nothing to say rather than "not dispatched". */}
                  {(row.department !== null || row.hubId !== null) && (
                    <span>{row.department ?? t('tickets.noDepartment')}</span>
                  )}
                  <span>{channelName(row.channel)}</span>
                  <span className="time">{time.format(row.reportedAt * 1000)}</span>
                  <span className="code">{row.hubId ?? `#${row.id}`}</span>
                </span>
                {row.excerpt !== null && <span className="line excerpt">{row.excerpt}</span>}
                {row.duplicateOf !== null && (
                  <span className="line duplicate" data-testid="ticket-duplicate">
                    {t('tickets.duplicateOf', {
                      id: board.rows.find((other) => other.id === row.duplicateOf)?.hubId ?? `#${row.duplicateOf}`,
                    })}
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ol>
      {board && board.rows.length === 0 && !failure && <p className="hint">{t('tickets.empty')}</p>}

      <nav className="pager" aria-label={t('tickets.pager')}>
        <button
          type="button"
          disabled={offset === 0}
          onClick={() => setOffset(Math.max(0, offset - BOARD_PAGE))}
          data-testid="ticket-page-previous"
        >
          {t('tickets.previous')}
        </button>
        <span>
          {t('tickets.page', {
            from: total === 0 ? 0 : (offset + 1).toLocaleString(language),
            to: (capped ? offset + (board?.rows.length ?? 0) : Math.min(total, offset + BOARD_PAGE)).toLocaleString(
              language,
            ),
            total: totalText,
          })}
        </span>
        <button
          type="button"
          disabled={capped ? (board?.rows.length ?? 0) < BOARD_PAGE : offset + BOARD_PAGE >= total}
          onClick={() => setOffset(offset + BOARD_PAGE)}
          data-testid="ticket-page-next"
        >
          {t('tickets.next')}
        </button>
      </nav>
    </div>
  );
}
