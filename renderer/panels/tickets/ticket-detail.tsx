/**
 * One ticket in full: the report's text (plain text only: citizens' reports may hold markup or SQL, which stays
 * inert), place, masked reporter, source and priority, photos, the deadline clock, why dispatch sent it where it went,
 * the suggested category and the words behind it, the parties and the three-cross flag, satisfaction, possible
 * duplicates and merged reporters, the timeline, and the actions this operator may take. Refetched when the ticket
 * changes anywhere (`tickets.changed`).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TicketDetail as TicketDetailData, TicketRow } from '../../../shared/contract';
import { CHANNELS } from '../../../shared/domain/channels';
import {
  DEADLINE_STATE_LABELS,
  TICKET_PRIORITY_LABELS,
  type TicketPriority,
} from '../../../shared/domain/tickets/deadlines';
import { TICKET_STATUS_LABELS } from '../../../shared/domain/tickets/lifecycle';
import { useApi } from '../../app/providers/connection-context';
import { LIVE_REFETCH_MS } from '../../state/throttle';
import { useNow } from '../../state/use-clock';
import { useTicketsChanged } from '../../state/use-tickets-changed';
import { errorText } from '../users/users-errors';
import { TicketActions } from './ticket-actions';
import { bilingual, formatClock, formatDuration, secondsLeftAt } from './ticket-format';

type Photo = TicketDetailData['photos'][number];

/** Only web links are offered as links (never `javascript:` or `data:`). */
const WEB_URL = /^https?:\/\//i;

export interface TicketDetailProps {
  id: number;
  onClose: () => void;
  /** Fly the map to the ticket. */
  onLocate: (lng: number, lat: number) => void;
  /** Open another ticket (a related case: the original of a duplicate, the case it was merged into or from). */
  onOpen: (row: TicketRow) => void;
}

/** An inline photo: its bytes fetched once, shown from an object URL revoked when the photo leaves the screen. */
function InlinePhoto({ ticketId, photo, label }: { ticketId: number; photo: Photo; label: string }) {
  const api = useApi();
  const { t } = useTranslation();
  const [shown, setShown] = useState<{ url?: string; failure?: string }>({});
  useEffect(() => {
    let current = true;
    let url: string | undefined;
    api.tickets.getPhoto({ id: ticketId, index: photo.index }).then(
      ({ mediaType, data }) => {
        if (!current) return;
        url = URL.createObjectURL(new Blob([data], { type: mediaType }));
        setShown({ url });
      },
      (error: unknown) => current && setShown({ failure: errorText(error) }),
    );
    return () => {
      current = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [api, ticketId, photo.index]);
  if (shown.failure)
    return <span className="failure">{t('tickets.detail.photoFailed', { message: shown.failure })}</span>;
  if (!shown.url) return <span className="hint">{t('tickets.loading')}</span>;
  return <img src={shown.url} alt={label} data-testid="ticket-photo" />;
}

export function TicketDetail({ id, onClose, onLocate, onOpen }: TicketDetailProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const english = language === 'en';
  const api = useApi();
  const now = useNow();
  const [refresh, setRefresh] = useState(0);
  /** The detail for which request, and when it was read (epoch seconds: the clock runs on from there). */
  const [shown, setShown] = useState<{ key: string; detail?: TicketDetailData; readAt?: number; failure?: string }>();
  const [merging, setMerging] = useState<{ id?: number; failure?: string }>({});
  /** Why a related case could not be opened. */
  const [openFailure, setOpenFailure] = useState<string>();

  const key = `${id} ${refresh}`;
  useEffect(() => {
    let current = true;
    api.tickets.get({ id }).then(
      (detail) => current && setShown({ key, detail, readAt: Date.now() / 1000 }),
      (error: unknown) =>
        current &&
        setShown((last) => ({
          key,
          detail: last?.detail?.ticket.id === id ? last.detail : undefined,
          readAt: last?.readAt,
          failure: errorText(error),
        })),
    );
    return () => {
      current = false;
    };
  }, [api, id, key]);

  const onChanged = useCallback(
    (events: { id: number }[]) => {
      if (events.some((event) => event.id === id)) setRefresh((n) => n + 1);
    },
    [id],
  );
  useTicketsChanged(LIVE_REFETCH_MS, onChanged);

  const detail = shown?.detail?.ticket.id === id ? shown.detail : undefined;
  const failure = shown?.key === key ? shown.failure : undefined;
  const onDetail = useCallback(
    (next: TicketDetailData) => setShown({ key, detail: next, readAt: Date.now() / 1000 }),
    [key],
  );

  const time = useMemo(
    () =>
      new Intl.DateTimeFormat(language, {
        timeZone: 'Asia/Shanghai',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hour12: false,
      }),
    [language],
  );
  const at = (seconds: number): string => time.format(seconds * 1000);

  /** Merges this ticket into a candidate (one the main process says this operator may), then opens that case. */
  const merge = (candidate: number): void => {
    if (!detail) return;
    setMerging({ id: candidate });
    api.tickets.merge({ id: detail.ticket.id, into: candidate }).then(
      (next) => {
        setMerging({});
        onOpen(next.ticket);
      },
      (error: unknown) => setMerging({ failure: errorText(error) }),
    );
  };

  /** Opens a related case: its row (for the map) read first. */
  const openCase = (target: number): void => {
    setOpenFailure(undefined);
    api.tickets.get({ id: target }).then(
      (next) => onOpen(next.ticket),
      (error: unknown) => setOpenFailure(errorText(error)),
    );
  };

  /** A related case, named by its hub id (its row number only should it have none), opened on a click. */
  const caseLink = (related: { id: number; hubId: string | null }, testId: string) => (
    <button type="button" className="link code" onClick={() => openCase(related.id)} data-testid={testId}>
      {related.hubId ?? `#${related.id}`}
    </button>
  );

  const channelName = (channel: number): string => {
    const spec = CHANNELS.find((candidate) => candidate.id === channel);
    return spec ? (english ? spec.nameEn : spec.name) : String(channel);
  };

  const header = (
    <header>
      <h3>
        {detail
          ? t('tickets.detail.title', { id: detail.ticket.hubId ?? `#${detail.ticket.id}` })
          : t('tickets.detail.loading')}
      </h3>
      {detail && (
        <button
          type="button"
          onClick={() => onLocate(detail.ticket.lng, detail.ticket.lat)}
          data-testid="ticket-locate"
        >
          {t('tickets.detail.locate')}
        </button>
      )}
      <button type="button" className="close" onClick={onClose} aria-label={t('tickets.detail.close')}>
        ×
      </button>
    </header>
  );

  if (!detail) {
    return (
      <article className="ticket-detail" data-testid="ticket-detail" aria-busy={!failure}>
        {header}
        {failure ? (
          <p className="failure" role="alert">
            {t('tickets.failed', { message: failure })}
          </p>
        ) : (
          <p className="hint">{t('tickets.loading')}</p>
        )}
      </article>
    );
  }

  const { ticket, clock } = detail;
  const nowSeconds = now / 1000;
  const left = secondsLeftAt(
    { status: ticket.status, secondsLeft: clock.secondsOverdue > 0 ? -clock.secondsOverdue : clock.secondsLeft },
    shown?.readAt ?? nowSeconds,
    nowSeconds,
  );
  const priority = TICKET_PRIORITY_LABELS[detail.priority as TicketPriority];

  return (
    <article className="ticket-detail" data-testid="ticket-detail" data-ticket-id={ticket.id}>
      {header}
      {failure && (
        <p className="failure" role="alert">
          {t('tickets.failed', { message: failure })}
        </p>
      )}
      {openFailure && (
        <p className="failure" role="alert">
          {t('tickets.failed', { message: openFailure })}
        </p>
      )}

      <div className="badges">
        <span className={`deadline deadline-${clock.state}`} data-testid="ticket-deadline">
          {bilingual(DEADLINE_STATE_LABELS[clock.state], language)}
        </span>
        <span className="status">{bilingual(TICKET_STATUS_LABELS[ticket.status], language)}</span>
        <span>{english ? ticket.category.nameEn : ticket.category.name}</span>
        {ticket.joint && <span className="marker joint">{t('tickets.markers.joint')}</span>}
        {ticket.escalated && <span className="marker escalated">{t('tickets.markers.escalated')}</span>}
      </div>

      {detail.text !== null && (
        <p className="text" data-testid="ticket-text">
          {detail.text}
        </p>
      )}

      <dl className="facts">
        <dt>{t('tickets.detail.place')}</dt>
        <dd>
          {detail.address ?? '—'}
          <br />
          <span className="hint">
            {ticket.grid.name} · {ticket.county}
          </span>
        </dd>
        <dt>{t('tickets.detail.channel')}</dt>
        <dd>{channelName(ticket.channel)}</dd>
        <dt>{t('tickets.detail.reporter')}</dt>
        <dd>{detail.reporter ?? '—'}</dd>
        <dt>{t('tickets.detail.source')}</dt>
        <dd>{detail.source ?? '—'}</dd>
        <dt>{t('tickets.detail.priority')}</dt>
        <dd>{priority ? bilingual(priority, language) : detail.priority}</dd>
        <dt>{t('tickets.detail.department')}</dt>
        <dd>{ticket.department ?? (ticket.hubId === null ? '—' : t('tickets.noDepartment'))}</dd>
        <dt>{t('tickets.detail.reported')}</dt>
        <dd>{at(ticket.reportedAt)}</dd>
        {detail.mergedInto && (
          <>
            <dt>{t('tickets.detail.mergedInto')}</dt>
            <dd>{caseLink(detail.mergedInto, 'ticket-merged-into')}</dd>
          </>
        )}
        {detail.duplicateOf && !detail.mergedInto && (
          <>
            <dt>{t('tickets.detail.duplicateOf')}</dt>
            <dd>{caseLink(detail.duplicateOf, 'ticket-duplicate-of')}</dd>
          </>
        )}
        {detail.satisfaction !== null && (
          <>
            <dt>{t('tickets.detail.satisfaction')}</dt>
            <dd data-testid="ticket-satisfaction">
              <span className="stars-shown" aria-hidden="true">
                {'★'.repeat(detail.satisfaction)}
                {'☆'.repeat(Math.max(0, 5 - detail.satisfaction))}
              </span>{' '}
              {t('tickets.detail.satisfactionValue', { value: detail.satisfaction })}
            </dd>
          </>
        )}
      </dl>

      <section aria-label={t('tickets.detail.clock')} className="clock" data-testid="ticket-clock">
        <h4>{t('tickets.detail.clock')}</h4>
        <p className={left < 0 ? 'left overdue' : 'left'} data-testid="ticket-time-left">
          {formatClock(ticket.status, left, t)}
        </p>
        <dl className="facts">
          <dt>{t('tickets.detail.deadline')}</dt>
          <dd>{at(clock.deadlineAt)}</dd>
          <dt>{t('tickets.detail.warnFrom')}</dt>
          <dd>{at(clock.warnFrom)}</dd>
          <dt>{t('tickets.detail.escalateAfter')}</dt>
          <dd>{at(clock.escalateAfter)}</dd>
        </dl>
      </section>

      {detail.photos.length > 0 && (
        <section className="photos" aria-label={t('tickets.detail.photos')}>
          <h4>{t('tickets.detail.photos')}</h4>
          <ul>
            {detail.photos.map((photo) => (
              <li key={photo.index}>
                {photo.kind === 'inline' ? (
                  <InlinePhoto
                    ticketId={ticket.id}
                    photo={photo}
                    label={t('tickets.detail.photo', { n: photo.index + 1 })}
                  />
                ) : photo.url && WEB_URL.test(photo.url) ? (
                  <a href={photo.url} target="_blank" rel="noopener noreferrer" data-testid="ticket-photo-link">
                    {t('tickets.detail.photoLink', { n: photo.index + 1 })}
                  </a>
                ) : (
                  <span className="hint">{photo.url ?? '—'}</span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="route" data-testid="ticket-route" aria-label={t('tickets.detail.route')}>
        <h4>{t('tickets.detail.route')}</h4>
        {detail.route ? (
          <>
            <p className="route-line">{detail.route.zh}</p>
            {english && <p className="route-line en">{detail.route.en}</p>}
            <ol>
              {detail.route.steps.map((step, i) => (
                <li key={i} data-kind={step.kind}>
                  {step.zh}
                  {english && <span className="en">{step.en}</span>}
                </li>
              ))}
            </ol>
          </>
        ) : (
          <p className="hint">{t('tickets.detail.noRoute')}</p>
        )}
      </section>

      {detail.suggestion && detail.suggestion.length > 0 && (
        <section className="suggestion" aria-label={t('tickets.detail.suggestion')}>
          <h4>
            {t('tickets.detail.suggestion')}{' '}
            <span className="hint">{t(`tickets.detail.categorySource.${detail.categorySource}`)}</span>
          </h4>
          <ol>
            {detail.suggestion.map((entry) => (
              <li key={entry.code}>
                <span>{english ? entry.nameEn : entry.name}</span> <span className="code">{entry.code}</span>{' '}
                <span className="hint">{Math.round(entry.confidence * 100)}%</span>
                {entry.words.length > 0 && (
                  <span className="words">
                    {entry.words.map((word) => (
                      <mark key={word}>{word}</mark>
                    ))}
                  </span>
                )}
              </li>
            ))}
          </ol>
        </section>
      )}

      <section className="parties" aria-label={t('tickets.detail.parties')}>
        <h4>{t('tickets.detail.parties')}</h4>
        {detail.parties.length > 0 ? (
          <ul>
            {detail.parties.map((party) => (
              <li key={`${party.role}:${party.department}`}>
                <span className={`role role-${party.role}`}>{t(`tickets.detail.partyRoles.${party.role}`)}</span>{' '}
                {party.name}
                {party.county ? (
                  <span className="hint" title={party.county} data-testid="ticket-party-county">
                    {' · '}
                    {party.countyName ? (english ? party.countyName.en : party.countyName.zh) : party.county}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="hint">{ticket.hubId === null ? t('tickets.detail.noParties') : t('tickets.noDepartment')}</p>
        )}
        {detail.cross.joint && (
          <p className="cross" data-testid="ticket-cross">
            <span className="marker joint">{t('tickets.detail.threeCross')}</span> {detail.cross.reason}
          </p>
        )}
      </section>

      {(detail.mergeCandidates.length > 0 || detail.merged.length > 0) && (
        <section className="merges" aria-label={t('tickets.detail.mergeCandidates')}>
          {detail.mergeCandidates.length > 0 && (
            <>
              <h4>{t('tickets.detail.mergeCandidates')}</h4>
              <ul>
                {detail.mergeCandidates.map((candidate) => (
                  <li key={candidate.id} data-testid="ticket-merge-candidate">
                    <span className="code">{candidate.hubId}</span>{' '}
                    <span className="hint">
                      {t('tickets.detail.apart', {
                        meters: Math.round(candidate.distanceM),
                        minutes: Math.round(candidate.minutesApart),
                      })}{' '}
                      · {channelName(candidate.channel)} · {bilingual(TICKET_STATUS_LABELS[candidate.status], language)}
                    </span>
                    <span className="excerpt">{candidate.excerpt}</span>
                    {candidate.canMerge && (
                      <button
                        type="button"
                        disabled={merging.id !== undefined}
                        onClick={() => merge(candidate.id)}
                        data-testid="ticket-merge"
                      >
                        {t('tickets.detail.mergeHere')}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
              {merging.failure && (
                <p className="failure" role="alert">
                  {merging.failure}
                </p>
              )}
            </>
          )}
          {detail.merged.length > 0 && (
            <>
              <h4>{t('tickets.detail.merged')}</h4>
              <ul>
                {detail.merged.map((entry) => (
                  <li key={entry.id}>
                    {caseLink(entry, 'ticket-merged-case')} · {channelName(entry.channel)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}

      <TicketActions key={ticket.id} detail={detail} onDetail={onDetail} />

      <section className="timeline" data-testid="ticket-timeline" aria-label={t('tickets.detail.timeline')}>
        <h4>{t('tickets.detail.timeline')}</h4>
        <ol>
          {detail.timeline.map((entry, i) => (
            <li key={`${entry.seq ?? 'h'}-${i}`}>
              <span className="time">{at(entry.at)}</span>
              <span className="actor">{entry.actor}</span>
              <span className="transition">
                {entry.from ? `${bilingual(TICKET_STATUS_LABELS[entry.from], language)} → ` : ''}
                {bilingual(TICKET_STATUS_LABELS[entry.to], language)}
              </span>
              {entry.summary && <span className="summary">{entry.summary}</span>}
            </li>
          ))}
        </ol>
        {detail.timeline.length === 0 && <p className="hint">{t('tickets.detail.noTimeline')}</p>}
      </section>
      <p className="hint">{t('tickets.detail.age', { duration: formatDuration(nowSeconds - ticket.reportedAt, t) })}</p>
    </article>
  );
}
