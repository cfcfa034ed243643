/**
 * The emergency-mode desk: switch an event type on a scope (the whole city, county-level units, L1 streets found by
 * search, or a polygon drawn on the map) to a response level, see what it will change before it changes anything
 * (`modes.preview`), then confirm (`modes.switch`, through the hub to every console and window). The active
 * emergencies are listed with one-click step up, step down and return to normal, each through the same preview; any
 * emergency, active or ended, opens its timeline.
 *
 * A second tab lists the mode profiles (what each level of each event type changes), with their versions; a city
 * commander edits one and saves it as a new version (mode-profiles.tsx).
 *
 * Operators without `mode.switch` see the list and the timelines only. Levels I and II need a second operator: the
 * switch is then held until someone confirms it in the confirmations tray.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ContractError,
  type Emergency,
  type ModePreview,
  type ModeSwitchRequest,
  type ModesList,
} from '../../../shared/contract';
import { EMERGENCY_LEVELS, LEVEL_INFO, type EmergencyLevel } from '../../../shared/domain/modes/emergency-levels';
import {
  EMERGENCY_EVENT_TYPES,
  EVENT_TYPE_NAMES,
  type EmergencyEventType,
} from '../../../shared/domain/modes/event-types';
import type { ModeScope } from '../../../shared/domain/modes/mode-scope';
import { useApi } from '../../app/providers/connection-context';
import { useSession } from '../../app/session/session-context';
import type { BroadcastTargetState } from '../../state/use-broadcast-target';
import { useMapSearch } from '../../state/use-map-search';
import { bySeverity } from '../../state/mode-preset';
import { EmergencyTimelineView, beijingDateTime } from './emergency-timeline';
import { ModePreviewView } from './mode-preview';
import { ModeProfilesView } from './mode-profiles';
import './modes-panel.css';

export const SCOPE_KINDS = ['city', 'counties', 'l1', 'polygon'] as const;
type ScopeKind = (typeof SCOPE_KINDS)[number];
/** The county-level units as `city.getBoundaries` names them. */
type County = { code: string; name: string; nameEn: string };
type Street = { code: string; name: string; parent: string | null };

const L1_HITS = 20;
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Levels from the least severe (IV) to the most (I): a step up moves right. */
const stepped = (level: EmergencyLevel, by: 1 | -1): EmergencyLevel | undefined =>
  EMERGENCY_LEVELS[EMERGENCY_LEVELS.indexOf(level) + by];

type Outcome =
  | { kind: 'done'; emergency: Emergency; request: ModeSwitchRequest }
  | { kind: 'held'; request: ModeSwitchRequest }
  | { kind: 'failed'; text: string };

export interface ModesPanelProps {
  modes: ModesList | undefined;
  /** The map drawing the polygon scope reuses (the broadcast composer's), in polygon mode while that scope is chosen. */
  drawing: BroadcastTargetState;
  onClose: () => void;
}

export function ModesPanel({ modes, drawing, onClose }: ModesPanelProps) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { can } = useSession();
  const mayswitch = can('mode.switch');
  const en = i18n.language === 'en';

  const [eventType, setEventType] = useState<EmergencyEventType>('rainstorm_flood');
  const [scopeKind, setScopeKind] = useState<ScopeKind>('city');
  const [counties, setCounties] = useState<County[]>([]);
  const [picked, setPicked] = useState<string[]>([]);
  const [streets, setStreets] = useState<Street[]>([]);
  const [query, setQuery] = useState('');
  const [level, setLevel] = useState<EmergencyLevel>('IV');
  // The request previewed, with its answer: Confirm sends exactly that request, never a form edited since.
  const [previewed, setPreviewed] = useState<{ request: ModeSwitchRequest; preview: ModePreview }>();
  const [previewing, setPreviewing] = useState(false);
  const [switching, setSwitching] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const [timeline, setTimeline] = useState<string>();
  const [tab, setTab] = useState<'switch' | 'profiles'>('switch');

  const { setMode: setDrawingMode } = drawing;
  useEffect(() => {
    setDrawingMode(scopeKind === 'polygon' ? 'polygon' : 'city');
  }, [scopeKind, setDrawingMode]);
  useEffect(() => () => setDrawingMode('city'), [setDrawingMode]);

  useEffect(() => {
    let current = true;
    // Codes and Chinese names from the county boundaries; English names from the map labels (a county's label has its
    // id).
    Promise.all([api.city.getBoundaries({ level: 'county', labels: true }), api.city.getLabels({})]).then(
      ([boundaries, labels]) => {
        if (!current) return;
        const english = new Map<number, string>();
        labels.ids.forEach((id, i) => {
          if (labels.ranks[i] === 0 && labels.namesEn[i]) english.set(id, labels.namesEn[i]);
        });
        const list = boundaries.codes.map((code, i) => {
          const name = boundaries.names[i] ?? code;
          return { code, name, nameEn: english.get(boundaries.ids[i]!) ?? name };
        });
        setCounties(list.sort((a, b) => a.code.localeCompare(b.code)));
      },
      (error: unknown) => console.error('gridline: city.getBoundaries county failed', error),
    );
    return () => {
      current = false;
    };
  }, [api]);

  const search = useMapSearch(scopeKind === 'l1' ? query : '', { level: 'L1', limit: L1_HITS });
  const hits = search.answers?.query === query.trim() && query.trim() ? (search.result?.hits ?? []) : [];

  const scope = useMemo((): ModeScope | undefined => {
    switch (scopeKind) {
      case 'city':
        return { kind: 'city' };
      case 'counties':
        return picked.length > 0 ? { kind: 'counties', codes: picked } : undefined;
      case 'l1':
        return streets.length > 0 ? { kind: 'l1', codes: streets.map((street) => street.code) } : undefined;
      case 'polygon':
        return drawing.drawing.polygon.length >= 3 ? { kind: 'polygon', ring: drawing.drawing.polygon } : undefined;
    }
  }, [scopeKind, picked, streets, drawing.drawing.polygon]);

  const preview = (request: ModeSwitchRequest): void => {
    setPreviewing(true);
    setOutcome(undefined);
    setPreviewed(undefined);
    api.modes.preview(request).then(
      (answer) => {
        setPreviewing(false);
        setPreviewed({ request, preview: answer });
      },
      (error: unknown) => {
        setPreviewing(false);
        setOutcome({ kind: 'failed', text: t('modes.previewFailed', { message: message(error) }) });
      },
    );
  };
  const confirm = (): void => {
    if (!shown) return;
    const { request } = shown;
    setSwitching(true);
    setOutcome(undefined);
    api.modes.switch(request).then(
      (emergency) => {
        setSwitching(false);
        setPreviewed(undefined);
        setOutcome({ kind: 'done', emergency, request });
      },
      (error: unknown) => {
        setSwitching(false);
        if (error instanceof ContractError && error.code === 'needs-confirmation') {
          setPreviewed(undefined);
          setOutcome({ kind: 'held', request });
        } else setOutcome({ kind: 'failed', text: message(error) });
      },
    );
  };

  const activation: ModeSwitchRequest | undefined = scope && { action: 'activate', eventType, scope, level };
  // A preview of an activation holds only while the form still asks for it: an edit since drops it (a step's preview
  // stays until another is asked for).
  const shown =
    previewed &&
    (previewed.request.action !== 'activate' || JSON.stringify(previewed.request) === JSON.stringify(activation))
      ? previewed
      : undefined;
  const active = modes ? bySeverity(modes.active) : [];
  const canConfirm = mayswitch && shown !== undefined && shown.preview.refusal === null && !switching;
  const levelName = (value: EmergencyLevel | null): string =>
    value === null ? t('modes.normal') : LEVEL_INFO[value][en ? 'en' : 'zh'];
  const eventName = (value: EmergencyEventType): string => EVENT_TYPE_NAMES[value][en ? 'en' : 'zh'];

  if (timeline) {
    return (
      <section className="modes-panel" aria-label={t('modes.title')} data-testid="mode-panel">
        <EmergencyTimelineView id={timeline} onBack={() => setTimeline(undefined)} />
      </section>
    );
  }

  return (
    <section className="modes-panel" aria-label={t('modes.title')} data-testid="mode-panel">
      <header>
        <h2>{t('modes.title')}</h2>
        <button type="button" onClick={onClose} aria-label={t('modes.close')}>
          ×
        </button>
      </header>

      <div className="row tabs" role="tablist">
        {(['switch', 'profiles'] as const).map((option) => (
          <button
            key={option}
            type="button"
            role="tab"
            aria-selected={tab === option}
            className={tab === option ? 'tab chosen' : 'tab'}
            onClick={() => setTab(option)}
            data-testid={`mode-tab-${option}`}
          >
            {t(`modes.tabs.${option}`)}
          </button>
        ))}
      </div>

      {tab === 'profiles' ? (
        <ModeProfilesView />
      ) : (
        <>
          <h3>{t('modes.active')}</h3>
          {active.length === 0 && <p className="hint">{t('modes.noneActive')}</p>}
          <ul className="emergencies">
            {active.map((emergency) => {
              const current = emergency.level!;
              const up = stepped(current, 1);
              const down = stepped(current, -1);
              const step = (to: EmergencyLevel | null): ModeSwitchRequest => ({
                action: to === null ? 'deactivate' : 'step',
                eventType: emergency.eventType,
                scope: emergency.scope,
                level: to,
                emergency: emergency.id,
              });
              return (
                <li
                  key={emergency.id}
                  className="emergency"
                  style={{ borderLeftColor: LEVEL_INFO[current].colour }}
                  data-testid={`mode-active-${emergency.id}`}
                >
                  <p>
                    <strong>{levelName(current)}</strong> · {eventName(emergency.eventType)}
                  </p>
                  <p className="hint">
                    {en ? emergency.scopeLabel.en : emergency.scopeLabel.zh} ·{' '}
                    {t('modes.startedBy', { name: emergency.startedBy.displayName })}
                  </p>
                  <div className="row">
                    {mayswitch && (
                      <>
                        <button
                          type="button"
                          disabled={!up || previewing}
                          onClick={() => up && preview(step(up))}
                          data-testid="mode-step-up"
                        >
                          {t('modes.stepUp')}
                        </button>
                        <button
                          type="button"
                          disabled={!down || previewing}
                          onClick={() => down && preview(step(down))}
                          data-testid="mode-step-down"
                        >
                          {t('modes.stepDown')}
                        </button>
                        <button
                          type="button"
                          disabled={previewing}
                          onClick={() => preview(step(null))}
                          data-testid="mode-return"
                        >
                          {t('modes.return')}
                        </button>
                      </>
                    )}
                    <button type="button" onClick={() => setTimeline(emergency.id)} data-testid="mode-open-timeline">
                      {t('modes.timeline.open')}
                    </button>
                  </div>
                </li>
              );
            })}
          </ul>

          {mayswitch ? (
            <>
              <h3>{t('modes.new')}</h3>
              <label className="row">
                {t('modes.eventType')}
                <select
                  value={eventType}
                  onChange={(event) => setEventType(event.target.value as EmergencyEventType)}
                  data-testid="mode-event-type"
                >
                  {EMERGENCY_EVENT_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {eventName(type)}
                    </option>
                  ))}
                </select>
              </label>
              <div className="row" role="radiogroup" aria-label={t('modes.scope')}>
                {t('modes.scope')}
                {SCOPE_KINDS.map((kind) => (
                  <label key={kind}>
                    <input
                      type="radio"
                      name="mode-scope"
                      checked={scopeKind === kind}
                      onChange={() => setScopeKind(kind)}
                      data-testid={`mode-scope-${kind}`}
                    />
                    {t(`modes.scopes.${kind}`)}
                  </label>
                ))}
              </div>
              {scopeKind === 'counties' && (
                <ul className="counties" data-testid="mode-counties">
                  {counties.map((county) => (
                    <li key={county.code}>
                      <label>
                        <input
                          type="checkbox"
                          checked={picked.includes(county.code)}
                          onChange={(event) =>
                            setPicked((previous) =>
                              event.target.checked
                                ? [...previous, county.code]
                                : previous.filter((code) => code !== county.code),
                            )
                          }
                          data-testid={`mode-scope-county-${county.code}`}
                        />
                        {en ? county.nameEn : county.name}
                      </label>
                    </li>
                  ))}
                </ul>
              )}
              {scopeKind === 'l1' && (
                <div className="streets">
                  <input
                    type="search"
                    value={query}
                    maxLength={64}
                    placeholder={t('modes.streetSearch')}
                    aria-label={t('modes.streetSearch')}
                    data-testid="mode-scope-l1-search"
                    onChange={(event) => setQuery(event.target.value)}
                  />
                  {search.failure && <p className="failure">{search.failure}</p>}
                  <ul className="hits">
                    {hits
                      .filter((hit) => !streets.some((street) => street.code === hit.code))
                      .map((hit) => (
                        <li key={hit.id}>
                          <button
                            type="button"
                            className="link"
                            onClick={() =>
                              setStreets((previous) => [
                                ...previous,
                                { code: hit.code, name: hit.name, parent: hit.parent },
                              ])
                            }
                            data-testid="mode-scope-l1-hit"
                          >
                            + {hit.name}
                            {hit.parent ? ` · ${hit.parent}` : ''}
                          </button>
                        </li>
                      ))}
                  </ul>
                  <p className="chips">
                    {streets.map((street) => (
                      <span key={street.code} className="chip" data-testid={`mode-scope-l1-${street.code}`}>
                        {street.name}
                        <button
                          type="button"
                          aria-label={t('modes.removeStreet', { name: street.name })}
                          onClick={() =>
                            setStreets((previous) => previous.filter((other) => other.code !== street.code))
                          }
                        >
                          ×
                        </button>
                      </span>
                    ))}
                  </p>
                </div>
              )}
              {scopeKind === 'polygon' && (
                <p className="hint" data-testid="mode-scope-polygon-hint">
                  {t('modes.polygonHint', { points: drawing.drawing.polygon.length })}{' '}
                  <button type="button" onClick={drawing.clearDrawing}>
                    {t('modes.clearDrawing')}
                  </button>
                </p>
              )}
              <div className="row levels" role="radiogroup" aria-label={t('modes.level')}>
                {[...EMERGENCY_LEVELS].map((option) => (
                  <button
                    key={option}
                    type="button"
                    role="radio"
                    aria-checked={level === option}
                    className={level === option ? 'level chosen' : 'level'}
                    style={{ background: LEVEL_INFO[option].colour }}
                    onClick={() => setLevel(option)}
                    data-testid={`mode-level-${option}`}
                  >
                    {LEVEL_INFO[option][en ? 'en' : 'zh']}
                  </button>
                ))}
              </div>
              <button
                type="button"
                disabled={!activation || previewing}
                onClick={() => activation && preview(activation)}
                data-testid="mode-preview"
              >
                {previewing ? t('modes.previewing') : t('modes.preview')}
              </button>
            </>
          ) : (
            <p className="hint" data-testid="mode-read-only">
              {t('modes.readOnly')}
            </p>
          )}

          {shown && (
            <>
              <ModePreviewView preview={shown.preview} />
              <button
                type="button"
                className="confirm"
                disabled={!canConfirm}
                onClick={confirm}
                style={{
                  background: shown.preview.to ? LEVEL_INFO[shown.preview.to].colour : undefined,
                }}
                data-testid="mode-confirm"
              >
                {switching ? t('modes.switching') : t('modes.confirm')}
              </button>
            </>
          )}
          {outcome && (
            <p
              className={outcome.kind === 'failed' ? 'failure' : `result result-${outcome.kind}`}
              role={outcome.kind === 'failed' ? 'alert' : 'status'}
              data-testid="mode-result"
              data-outcome={outcome.kind}
            >
              {outcome.kind === 'done' &&
                t(outcome.request.action === 'deactivate' ? 'modes.result.returned' : 'modes.result.done', {
                  level: levelName(outcome.emergency.level),
                  event: eventName(outcome.emergency.eventType),
                  scope: en ? outcome.emergency.scopeLabel.en : outcome.emergency.scopeLabel.zh,
                })}
              {outcome.kind === 'held' && t('modes.result.held')}
              {outcome.kind === 'failed' && outcome.text}
            </p>
          )}

          {modes && modes.ended.length > 0 && (
            <>
              <h3>{t('modes.ended')}</h3>
              <ul className="emergencies ended">
                {modes.ended.map((emergency) => (
                  <li key={emergency.id} className="emergency" data-testid={`mode-ended-${emergency.id}`}>
                    <p>
                      {eventName(emergency.eventType)} · {en ? emergency.scopeLabel.en : emergency.scopeLabel.zh}
                    </p>
                    <p className="hint">
                      {t('modes.endedAt', {
                        time: emergency.endedAt === null ? '—' : beijingDateTime(emergency.endedAt),
                      })}
                    </p>
                    <button type="button" onClick={() => setTimeline(emergency.id)} data-testid="mode-open-timeline">
                      {t('modes.timeline.open')}
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
