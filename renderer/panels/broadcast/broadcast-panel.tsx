/**
 * The broadcast desk: compose a command (text, priority, target, acknowledgement, expiry, escalation deadline), see how
 * many grid workers it will reach before sending, send it, and follow the receipts live — targeted / delivered / read,
 * elapsed time, p50 and p99, who has not acknowledged and how many were offline (and resend to them), who was
 * escalated at the deadline, and the map coloured by acknowledgement.
 *
 * Targets: the whole city, county-level units, grids of one level picked from a list or on the map, a polygon or a
 * radius drawn on the map (the console window keeps the target: `useBroadcastTarget`).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  BROADCAST_DEADLINE_MIN_S,
  ContractError,
  type WorkerPersonal,
  type BroadcastDraft,
  type BroadcastEscalation,
  type BroadcastPreview,
  type BroadcastStatus,
  type BroadcastTarget,
  type HubStatus,
  type PendingWorkerList,
} from '../../../shared/contract';
import { ZHENGZHOU } from '../../../shared/domain/city';
import { PRIORITIES, type Priority } from '../../../shared/protocol/hub-protocol';
import { useApi } from '../../app/providers/connection-context';
import { useSession } from '../../app/session/session-context';
import { TARGET_MODES, type BroadcastTargetState } from '../../state/use-broadcast-target';
import { useNow } from '../../state/use-clock';
import { GridPicker } from './grid-picker';

/** A hub on this machine (npm start's local hub on a bare desk): worth saying, its workers are simulated. */
const LOOPBACK = /^https?:\/\/(127\.|localhost[:/]|\[::1\])/;

export interface BroadcastPanelProps {
  hub: HubStatus | undefined;
  broadcasts: BroadcastStatus[];
  /** Escalations heard while this window was open, by broadcast id. */
  escalations: ReadonlyMap<string, BroadcastEscalation>;
  counties: { id: number; name: string }[];
  target: BroadcastTargetState;
  onSent: (status: BroadcastStatus) => void;
  /** The broadcast whose acknowledgements colour the map, if any. */
  shownOnMap: string | undefined;
  onShowOnMap: (id: string | undefined) => void;
  onClose: () => void;
}

const MAX_EXPIRY_MIN = 7 * 24 * 60;
const MAX_DEADLINE_S = 24 * 3600;
type DeadlineUnit = 's' | 'min';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function BroadcastPanel(props: BroadcastPanelProps) {
  const { hub, broadcasts, escalations, counties, target: composer, onSent, shownOnMap, onShowOnMap } = props;
  const { mode, setMode, drawing, clearDrawing, target } = composer;
  const { t, i18n } = useTranslation();
  const api = useApi();
  const [text, setText] = useState('');
  const [priority, setPriority] = useState<Priority>('urgent');
  const [ackRequired, setAckRequired] = useState(true);
  const [expiresInMinutes, setExpires] = useState(120);
  const [escalate, setEscalate] = useState(true);
  const [deadline, setDeadline] = useState(10);
  const [deadlineUnit, setDeadlineUnit] = useState<DeadlineUnit>('min');
  // The answer is kept with the target it was for: a stale count must never enable Send for another target.
  const [preview, setPreview] = useState<{ target: BroadcastTarget; value: BroadcastPreview }>();
  const [previewFailure, setPreviewFailure] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [sending, setSending] = useState(false);
  /** A command the two-person rule holds: the request's id, until a second operator decides (see the tray). */
  const [held, setHeld] = useState<string>();
  const number = (value: number): string => value.toLocaleString(i18n.language);

  useEffect(() => {
    if (!target) return;
    let current = true;
    api.broadcast.preview({ target }).then(
      (value) => {
        if (!current) return;
        setPreview({ target, value });
        setPreviewFailure(undefined);
      },
      (error: unknown) => current && setPreviewFailure(message(error)),
    );
    return () => {
      current = false;
    };
  }, [api, target]);
  const counted = target && preview?.target === target ? preview.value : undefined;

  const deadlineSeconds = deadline * (deadlineUnit === 'min' ? 60 : 1);
  const deadlineProblem = !escalate
    ? undefined
    : deadlineSeconds < BROADCAST_DEADLINE_MIN_S || deadlineSeconds > MAX_DEADLINE_S
      ? t('broadcast.deadlineRange', { min: BROADCAST_DEADLINE_MIN_S })
      : deadlineSeconds > expiresInMinutes * 60
        ? t('broadcast.deadlineAfterExpiry')
        : undefined;
  const connected = hub?.state === 'connected';
  const canSend =
    connected &&
    target !== undefined &&
    text.trim().length > 0 &&
    (counted?.workers ?? 0) > 0 &&
    counted?.refusal === null &&
    !deadlineProblem;
  const send = (): void => {
    if (!target || !canSend) return;
    const draft: BroadcastDraft = {
      text: text.trim(),
      priority,
      target,
      ackRequired,
      expiresInMinutes,
      ...(escalate ? { deadlineSeconds } : {}),
    };
    setSending(true);
    setFailure(undefined);
    setHeld(undefined);
    api.broadcast.send(draft).then(
      (status) => {
        setSending(false);
        setText('');
        onSent(status);
      },
      (error: unknown) => {
        setSending(false);
        if (error instanceof ContractError && error.code === 'needs-confirmation') {
          setText('');
          setHeld(error.ref ?? '');
        } else setFailure(message(error));
      },
    );
  };

  return (
    <section className="broadcast-panel" aria-label={t('broadcast.title')} data-testid="broadcast-panel">
      <header>
        <h2>{t('broadcast.title')}</h2>
        <span
          className={`hub-state hub-${hub?.state ?? 'connecting'}`}
          data-testid="hub-state"
          title={hub?.url ?? undefined}
        >
          {t(`broadcast.hub.${hub?.state ?? 'connecting'}`)}
          {hub?.url && LOOPBACK.test(hub.url) ? ` · ${t('broadcast.hub.local')}` : ''}
        </span>
        <button type="button" onClick={props.onClose} aria-label={t('broadcast.close')}>
          ×
        </button>
      </header>

      <textarea
        value={text}
        maxLength={2000}
        rows={3}
        placeholder={t('broadcast.textPlaceholder')}
        aria-label={t('broadcast.text')}
        data-testid="broadcast-text"
        onChange={(event) => setText(event.target.value)}
      />
      <div className="row" role="radiogroup" aria-label={t('broadcast.priority')}>
        {PRIORITIES.map((level) => (
          <label key={level} className={`priority priority-${level}`}>
            <input
              type="radio"
              name="priority"
              checked={priority === level}
              onChange={() => setPriority(level)}
              data-testid={`broadcast-priority-${level}`}
            />
            {t(`broadcast.priorities.${level}`)}
          </label>
        ))}
      </div>

      <label className="row">
        {t('broadcast.target')}
        <select
          value={mode}
          onChange={(event) => setMode(event.target.value as typeof mode)}
          data-testid="broadcast-target"
        >
          {TARGET_MODES.map((option) => (
            <option key={option} value={option}>
              {t(`broadcast.targets.${option}`)}
            </option>
          ))}
        </select>
      </label>
      {mode === 'counties' && (
        <ul className="counties" data-testid="broadcast-counties">
          {counties.map((county) => (
            <li key={county.id}>
              <label>
                <input
                  type="checkbox"
                  checked={composer.counties.includes(county.id)}
                  onChange={(event) => composer.setCounty(county.id, event.target.checked)}
                />
                {county.name}
              </label>
            </li>
          ))}
        </ul>
      )}
      {mode === 'grids' && <GridPicker target={composer} />}
      {(mode === 'polygon' || mode === 'radius') && (
        <p className="hint">
          {t(mode === 'polygon' ? 'broadcast.polygonHint' : 'broadcast.radiusHint', {
            points: drawing.polygon.length,
            meters: drawing.radius ? number(Math.round(drawing.radius.meters)) : '—',
          })}{' '}
          <button type="button" onClick={clearDrawing}>
            {t('broadcast.clearDrawing')}
          </button>
        </p>
      )}

      <div className="row options">
        <label>
          <input
            type="checkbox"
            checked={ackRequired}
            onChange={(event) => setAckRequired(event.target.checked)}
            data-testid="broadcast-ack"
          />
          {t('broadcast.ackRequired')}
        </label>
        <label>
          {t('broadcast.expires')}
          <input
            type="number"
            min={1}
            max={MAX_EXPIRY_MIN}
            value={expiresInMinutes}
            data-testid="broadcast-expires"
            onChange={(event) =>
              setExpires(Math.max(1, Math.min(MAX_EXPIRY_MIN, Math.round(Number(event.target.value)) || 1)))
            }
          />
        </label>
      </div>
      <div className="row options deadline" title={t('broadcast.deadlineHint')}>
        <label>
          <input
            type="checkbox"
            checked={escalate}
            onChange={(event) => setEscalate(event.target.checked)}
            data-testid="broadcast-escalate"
          />
          {t('broadcast.deadline')}
        </label>
        <input
          type="number"
          min={1}
          value={deadline}
          disabled={!escalate}
          aria-label={t('broadcast.deadlineValue')}
          data-testid="broadcast-deadline"
          onChange={(event) => setDeadline(Math.max(1, Math.round(Number(event.target.value)) || 1))}
        />
        <select
          value={deadlineUnit}
          disabled={!escalate}
          aria-label={t('broadcast.deadlineUnit')}
          data-testid="broadcast-deadline-unit"
          onChange={(event) => setDeadlineUnit(event.target.value as DeadlineUnit)}
        >
          <option value="s">{t('broadcast.units.s')}</option>
          <option value="min">{t('broadcast.units.min')}</option>
        </select>
      </div>
      {deadlineProblem && (
        <p className="failure" role="alert" data-testid="broadcast-deadline-problem">
          {deadlineProblem}
        </p>
      )}

      <p className="preview" data-testid="broadcast-preview">
        {counted
          ? t('broadcast.preview', { workers: number(counted.workers), grids: number(counted.grids) })
          : t('broadcast.previewNone')}
      </p>
      {counted?.refusal && (
        <p className="failure" role="alert" data-testid="broadcast-refusal">
          {t('broadcast.refused', { message: counted.refusal })}
        </p>
      )}
      {counted?.refusal === null && counted.needsSecondOperator && (
        <p className="hint" data-testid="broadcast-two-person">
          {t('broadcast.twoPerson')}
        </p>
      )}
      {held !== undefined && (
        <p className="hint held" role="status" data-testid="broadcast-held">
          {t('broadcast.held')}
        </p>
      )}
      {target && previewFailure && (
        <p className="failure" role="alert" data-testid="broadcast-preview-failure">
          {t('broadcast.previewFailed', { message: previewFailure })}
        </p>
      )}
      {failure && (
        <p className="failure" role="alert" data-testid="broadcast-failure">
          {failure}
        </p>
      )}
      <button
        type="button"
        className={`send priority-${priority}`}
        disabled={!canSend || sending}
        onClick={send}
        data-testid="broadcast-send"
      >
        {sending ? t('broadcast.sending') : t('broadcast.send')}
      </button>

      <h3>{t('broadcast.recent')}</h3>
      <ol className="receipts" data-testid="broadcast-receipts">
        {broadcasts.slice(0, 8).map((status) => (
          <Receipt
            key={status.id}
            status={status}
            escalation={escalations.get(status.id)}
            shownOnMap={shownOnMap === status.id}
            onShowOnMap={() => onShowOnMap(shownOnMap === status.id ? undefined : status.id)}
            onFailure={(error) => setFailure(message(error))}
          />
        ))}
      </ol>
    </section>
  );
}

type WorkerList = { kind: 'pending'; list: PendingWorkerList } | { kind: 'escalated'; list: BroadcastEscalation };

function Receipt({
  status,
  escalation,
  shownOnMap,
  onShowOnMap,
  onFailure,
}: {
  status: BroadcastStatus;
  escalation: BroadcastEscalation | undefined;
  shownOnMap: boolean;
  onShowOnMap: () => void;
  onFailure: (error: unknown) => void;
}) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { can } = useSession();
  const now = useNow();
  const [shown, setShown] = useState<WorkerList>();
  const [resent, setResent] = useState<number>();
  const number = (value: number): string => value.toLocaleString(i18n.language);
  // Beijing time, as the status bar shows it, whatever the desk's own time zone.
  const time = (at: number): string =>
    new Intl.DateTimeFormat(i18n.language, {
      timeZone: ZHENGZHOU.timeZone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    }).format(at);
  const elapsed = Math.max(0, Math.round((now - status.sentAt) / 1000));
  const bar = (value: number) => `${status.targeted === 0 ? 0 : Math.min(100, (100 * value) / status.targeted)}%`;
  // An escalation heard live is at least as new as the one fetched when the list was opened.
  const escalated =
    escalation && (shown?.kind !== 'escalated' || escalation.at >= shown.list.at) ? escalation : undefined;
  const list: WorkerList | undefined =
    shown?.kind === 'escalated' && escalated ? { kind: 'escalated', list: escalated } : shown;

  const showPending = (): void => {
    api.broadcast.pending({ id: status.id }).then((next) => setShown({ kind: 'pending', list: next }), onFailure);
  };
  const showEscalated = (): void => {
    api.broadcast
      .escalations({ id: status.id })
      .then((next) => next && setShown({ kind: 'escalated', list: next }), onFailure);
  };
  const resend = (): void => {
    api.broadcast.resend({ id: status.id }).then((answer) => setResent(answer.resent), onFailure);
  };

  return (
    <li className={`receipt priority-${status.priority}`} data-testid="broadcast-receipt">
      <p className="text">{status.text}</p>
      <dl>
        {(
          [
            ['targeted', status.targeted],
            ['sent', status.sent],
            ['delivered', status.delivered],
            ['read', status.read],
          ] as const
        ).map(([key, value]) => (
          <div key={key} className={`count count-${key}`}>
            <dt>{t(`broadcast.counts.${key}`)}</dt>
            <dd data-testid={`receipt-${key}`}>{number(value)}</dd>
            <span className="bar" style={{ width: bar(value) }} aria-hidden="true" />
          </div>
        ))}
      </dl>
      <p className="timing" data-testid="receipt-timing">
        {t('broadcast.timing', {
          elapsed: number(elapsed),
          p50: status.p50Ms === null ? '—' : number(status.p50Ms),
          p99: status.p99Ms === null ? '—' : number(status.p99Ms),
        })}
      </p>
      {status.deadlineAt !== null && (
        <p className="timing" data-testid="receipt-deadline">
          {now < status.deadlineAt
            ? t('broadcast.deadlineIn', {
                time: time(status.deadlineAt),
                seconds: number(Math.ceil((status.deadlineAt - now) / 1000)),
              })
            : t('broadcast.deadlinePassed', { time: time(status.deadlineAt) })}
        </p>
      )}
      {status.escalated > 0 && (
        <p className="escalated" role="status" data-testid="receipt-escalated">
          {t('broadcast.escalated', {
            count: status.escalated,
            workers: number(status.escalated),
            time: status.escalatedAt === null ? '—' : time(status.escalatedAt),
          })}
        </p>
      )}
      <div className="row">
        <button type="button" onClick={showPending} data-testid="receipt-pending">
          {t('broadcast.pending')}
        </button>
        {can('broadcast.send') && (
          <button type="button" onClick={resend} data-testid="receipt-resend">
            {t('broadcast.resend')}
          </button>
        )}
        {status.escalated > 0 && (
          <button type="button" onClick={showEscalated} data-testid="receipt-escalations">
            {t('broadcast.escalations')}
          </button>
        )}
        <button type="button" aria-pressed={shownOnMap} onClick={onShowOnMap} data-testid="receipt-map">
          {t('broadcast.showOnMap')}
        </button>
      </div>
      {resent !== undefined && (
        <p className="hint" role="status" data-testid="receipt-resent">
          {t('broadcast.resent', { count: resent, workers: number(resent) })}
        </p>
      )}
      {list && (
        <section
          className="worker-list"
          data-testid={list.kind === 'pending' ? 'broadcast-pending' : 'broadcast-escalations'}
        >
          <h4>
            {list.kind === 'pending'
              ? t('broadcast.pendingTitle', { total: number(list.list.total) })
              : t('broadcast.escalationsTitle', { total: number(list.list.total), time: time(list.list.at) })}
          </h4>
          {list.kind === 'pending' && list.list.offline > 0 && (
            <p className="hint" data-testid="pending-offline">
              {t('broadcast.offline', { workers: number(list.list.offline) })}
            </p>
          )}
          <ul>
            {list.list.workers.map((worker) => (
              <li key={worker.id}>
                {worker.code} · {worker.grid}
                {can('workers.readPersonal') && <WorkerContact id={worker.id} />}
              </li>
            ))}
          </ul>
          {list.list.workers.length < list.list.total && (
            <p className="hint">
              {t('broadcast.listCapped', {
                shown: number(list.list.workers.length),
                total: number(list.list.total),
              })}
            </p>
          )}
          <button type="button" onClick={() => setShown(undefined)}>
            {t('broadcast.close')}
          </button>
        </section>
      )}
    </li>
  );
}

/**
 * A worker's name and phone, fetched only when asked: the main process checks the operator's scope over the worker's
 * grid and puts every read on the audit trail.
 */
function WorkerContact({ id }: { id: number }) {
  const { t } = useTranslation();
  const api = useApi();
  const [contact, setContact] = useState<WorkerPersonal>();
  const [refused, setRefused] = useState<string>();
  if (contact) {
    return (
      <span className="worker-contact" data-testid="worker-contact">
        {' · '}
        {contact.name} · {contact.phone ?? t('broadcast.noPhone')}
      </span>
    );
  }
  return (
    <>
      {' '}
      <button
        type="button"
        className="link"
        title={t('broadcast.contactAudited')}
        onClick={() =>
          void api.workers.getPersonal({ id }).then(setContact, (error: unknown) => setRefused(message(error)))
        }
        data-testid="worker-contact-show"
      >
        {t('broadcast.contact')}
      </button>
      {refused && <span className="failure"> {refused}</span>}
    </>
  );
}
