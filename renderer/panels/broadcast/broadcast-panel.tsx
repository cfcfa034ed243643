/**
 * The broadcast desk: compose a command (text, priority, target, acknowledgement, expiry, deadline), see how many
 * grid workers it will reach before sending, send it, and follow the receipts live — targeted / delivered / read,
 * elapsed time, p50 and p99, who has not acknowledged (and resend to them), and the map coloured by acknowledgement.
 *
 * Targets: the whole city, county-level units, the grid whose card is open, a polygon or a radius drawn on the map.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  BroadcastDraft,
  BroadcastPreview,
  BroadcastStatus,
  BroadcastTarget,
  HubStatus,
  PendingWorkerList,
} from '../../../shared/contract';
import { PRIORITIES, type Priority } from '../../../shared/protocol/hub-protocol';
import { useApi } from '../../app/providers/connection-context';
import { useNow } from '../../state/use-clock';

export type TargetMode = 'city' | 'counties' | 'grid' | 'polygon' | 'radius';

/** What the map contributes to a target: the drawing the commander is making, and the open grid card. */
export interface MapTargetInput {
  polygon: [number, number][];
  radius: { center: [number, number]; meters: number } | undefined;
  grid: { id: number; name: string } | undefined;
}

export interface BroadcastPanelProps {
  hub: HubStatus | undefined;
  broadcasts: BroadcastStatus[];
  counties: { id: number; name: string }[];
  mapInput: MapTargetInput;
  /** Drawing on the map for this mode (polygon, radius), or none. */
  onDrawMode: (mode: TargetMode) => void;
  onClearDrawing: () => void;
  onSent: (status: BroadcastStatus) => void;
  /** The broadcast whose acknowledgements colour the map, if any. */
  shownOnMap: string | undefined;
  onShowOnMap: (id: string | undefined) => void;
  onClose: () => void;
}

function targetOf(mode: TargetMode, counties: number[], input: MapTargetInput): BroadcastTarget | undefined {
  switch (mode) {
    case 'city':
      return { kind: 'city' };
    case 'counties':
      return counties.length > 0 ? { kind: 'counties', ids: counties } : undefined;
    case 'grid':
      return input.grid ? { kind: 'grids', ids: [input.grid.id] } : undefined;
    case 'polygon':
      return input.polygon.length >= 3 ? { kind: 'polygon', ring: input.polygon } : undefined;
    case 'radius':
      return input.radius ? { kind: 'radius', ...input.radius } : undefined;
  }
}

export function BroadcastPanel(props: BroadcastPanelProps) {
  const { hub, broadcasts, counties, mapInput, onDrawMode, onClearDrawing, onSent, shownOnMap, onShowOnMap } = props;
  const { t, i18n } = useTranslation();
  const api = useApi();
  const [text, setText] = useState('');
  const [priority, setPriority] = useState<Priority>('urgent');
  const [mode, setMode] = useState<TargetMode>('city');
  const [chosenCounties, setChosenCounties] = useState<number[]>([]);
  const [ackRequired, setAckRequired] = useState(true);
  const [expiresInMinutes, setExpires] = useState(120);
  const [deadlineMinutes, setDeadline] = useState<number | ''>(10);
  const [preview, setPreview] = useState<BroadcastPreview>();
  const [failure, setFailure] = useState<string>();
  const [sending, setSending] = useState(false);
  const [pending, setPending] = useState<PendingWorkerList>();
  const number = (value: number): string => value.toLocaleString(i18n.language);
  const fail = (error: unknown): void => setFailure(error instanceof Error ? error.message : String(error));

  const target = useMemo(() => targetOf(mode, chosenCounties, mapInput), [mode, chosenCounties, mapInput]);
  useEffect(() => {
    if (!target) return;
    let current = true;
    api.broadcast.preview({ target }).then(
      (next) => current && setPreview(next),
      (error: unknown) => current && setFailure(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      current = false;
    };
  }, [api, target]);

  const connected = hub?.state === 'connected';
  const canSend = connected && target !== undefined && text.trim().length > 0 && (preview?.workers ?? 0) > 0;
  const send = (): void => {
    if (!target) return;
    const draft: BroadcastDraft = {
      text: text.trim(),
      priority,
      target,
      ackRequired,
      expiresInMinutes,
      ...(deadlineMinutes === '' ? {} : { deadlineMinutes }),
    };
    setSending(true);
    setFailure(undefined);
    api.broadcast.send(draft).then(
      (status) => {
        setSending(false);
        setText('');
        onSent(status);
      },
      (error: unknown) => {
        setSending(false);
        setFailure(error instanceof Error ? error.message : String(error));
      },
    );
  };

  const chooseMode = (next: TargetMode): void => {
    setMode(next);
    onDrawMode(next);
  };

  return (
    <section className="broadcast-panel" aria-label={t('broadcast.title')} data-testid="broadcast-panel">
      <header>
        <h2>{t('broadcast.title')}</h2>
        <span className={`hub-state hub-${hub?.state ?? 'connecting'}`} data-testid="hub-state">
          {t(`broadcast.hub.${hub?.state ?? 'connecting'}`)}
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
          onChange={(event) => chooseMode(event.target.value as TargetMode)}
          data-testid="broadcast-target"
        >
          {(['city', 'counties', 'grid', 'polygon', 'radius'] as const).map((option) => (
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
                  checked={chosenCounties.includes(county.id)}
                  onChange={(event) =>
                    setChosenCounties((previous) =>
                      event.target.checked ? [...previous, county.id] : previous.filter((id) => id !== county.id),
                    )
                  }
                />
                {county.name}
              </label>
            </li>
          ))}
        </ul>
      )}
      {mode === 'grid' && (
        <p className="hint" data-testid="broadcast-grid">
          {mapInput.grid ? mapInput.grid.name : t('broadcast.gridHint')}
        </p>
      )}
      {(mode === 'polygon' || mode === 'radius') && (
        <p className="hint">
          {t(mode === 'polygon' ? 'broadcast.polygonHint' : 'broadcast.radiusHint', {
            points: mapInput.polygon.length,
            meters: mapInput.radius ? number(Math.round(mapInput.radius.meters)) : '—',
          })}{' '}
          <button type="button" onClick={onClearDrawing}>
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
            max={10080}
            value={expiresInMinutes}
            onChange={(event) => setExpires(Math.max(1, Math.min(10080, Number(event.target.value) || 1)))}
          />
        </label>
        <label>
          {t('broadcast.deadline')}
          <input
            type="number"
            min={1}
            max={1440}
            value={deadlineMinutes}
            onChange={(event) =>
              setDeadline(event.target.value === '' ? '' : Math.max(1, Math.min(1440, Number(event.target.value))))
            }
          />
        </label>
      </div>

      <p className="preview" data-testid="broadcast-preview">
        {target && preview
          ? t('broadcast.preview', { workers: number(preview.workers), grids: number(preview.grids) })
          : t('broadcast.previewNone')}
      </p>
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
            shownOnMap={shownOnMap === status.id}
            onShowOnMap={() => onShowOnMap(shownOnMap === status.id ? undefined : status.id)}
            onPending={() => {
              api.broadcast.pending({ id: status.id }).then(setPending, fail);
            }}
            onResend={() => {
              api.broadcast.resend({ id: status.id }).catch(fail);
            }}
          />
        ))}
      </ol>
      {pending && (
        <section className="pending" data-testid="broadcast-pending">
          <h3>{t('broadcast.pendingTitle', { total: number(pending.total) })}</h3>
          <ul>
            {pending.workers.slice(0, 100).map((worker) => (
              <li key={worker.id}>
                {worker.code} · {worker.grid}
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => setPending(undefined)}>
            {t('broadcast.close')}
          </button>
        </section>
      )}
    </section>
  );
}

function Receipt({
  status,
  shownOnMap,
  onShowOnMap,
  onPending,
  onResend,
}: {
  status: BroadcastStatus;
  shownOnMap: boolean;
  onShowOnMap: () => void;
  onPending: () => void;
  onResend: () => void;
}) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const number = (value: number): string => value.toLocaleString(i18n.language);
  const elapsed = Math.max(0, Math.round((now - status.sentAt) / 1000));
  const bar = (value: number) => `${status.targeted === 0 ? 0 : Math.min(100, (100 * value) / status.targeted)}%`;
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
      <div className="row">
        <button type="button" onClick={onPending} data-testid="receipt-pending">
          {t('broadcast.pending')}
        </button>
        <button type="button" onClick={onResend} data-testid="receipt-resend">
          {t('broadcast.resend')}
        </button>
        <button type="button" aria-pressed={shownOnMap} onClick={onShowOnMap} data-testid="receipt-map">
          {t('broadcast.showOnMap')}
        </button>
      </div>
    </li>
  );
}
