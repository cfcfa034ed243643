/**
 * The mode profiles (`modes.profiles`): each profile's latest version, who saved it and when, and every version kept.
 * A city commander (`mode.switch` over the whole city, as `modes.saveProfile` demands) edits one profile — per level
 * IV–I the sensor effects, the ticket deadline factor, priority and categories, the duty groups called up and the
 * acknowledgement time; the layer preset; the broadcast template in both languages — checks it with the shared
 * schema before anything is sent, shows every issue next to its field, and saves it as a new version. Everyone else
 * sees the same form read-only.
 */
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { ContractError, type modeProfilesSchema } from '../../../shared/contract';
import { LAYER_KEYS } from '../../../shared/domain/map-layers';
import { EMERGENCY_LEVELS, LEVEL_INFO, type EmergencyLevel } from '../../../shared/domain/modes/emergency-levels';
import { EVENT_TYPE_NAMES } from '../../../shared/domain/modes/event-types';
import { DUTY_GROUPS, type ModeProfile } from '../../../shared/domain/modes/mode-profile';
import { SENSOR_KINDS, type SensorKind } from '../../../shared/domain/point-classes';
import { useApi } from '../../app/providers/connection-context';
import { useSession } from '../../app/session/session-context';
import { beijingDateTime } from './emergency-timeline';
import {
  GENERAL,
  issuesByField,
  mayEditProfiles,
  newSensorEffect,
  profileFields,
  refusalIssues,
  typedCategories,
  typedNumber,
  validateProfile,
  versionsOf,
  type ProfileIssue,
} from './profile-form';

type Profiles = z.infer<typeof modeProfilesSchema>;
type Version = Profiles['versions'][number];

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function ModeProfilesView() {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { session, can } = useSession();
  const editable = mayEditProfiles(can('mode.switch'), session?.operator?.scope);
  const en = i18n.language === 'en';
  const [profiles, setProfiles] = useState<Profiles>();
  const [failure, setFailure] = useState<string>();
  const [open, setOpen] = useState<string>();
  const [saved, setSaved] = useState<{ id: string; version: number }>();

  const load = useCallback(
    (isCurrent: () => boolean = () => true) =>
      api.modes.profiles({}).then(
        (next) => {
          if (!isCurrent()) return;
          setProfiles(next);
          setFailure(undefined);
        },
        (error: unknown) => isCurrent() && setFailure(message(error)),
      ),
    [api],
  );
  useEffect(() => {
    let current = true;
    void load(() => current);
    return () => {
      current = false;
    };
  }, [load]);

  const shown = profiles?.profiles.find((profile) => profile.id === open);
  const savedOf = (id: string, version: number): Version | undefined =>
    profiles?.versions.find((entry) => entry.id === id && entry.version === version);

  return (
    <div className="mode-profiles" data-testid="mode-profiles">
      {!editable && (
        <p className="hint" data-testid="mode-profiles-read-only">
          {t('modes.profiles.readOnly')}
        </p>
      )}
      {failure && (
        <p className="failure" role="alert">
          {t('modes.profiles.failed', { message: failure })}
        </p>
      )}
      {!profiles && !failure && <p className="hint">{t('modes.profiles.loading')}</p>}
      <ul className="profiles">
        {profiles?.profiles.map((profile) => {
          const latest = savedOf(profile.id, profile.version);
          return (
            <li
              key={profile.id}
              className={profile.id === open ? 'profile chosen' : 'profile'}
              data-testid={`mode-profile-${profile.id}`}
              data-version={profile.version}
            >
              <button
                type="button"
                className="link"
                onClick={() => setOpen(profile.id === open ? undefined : profile.id)}
              >
                <strong>{en ? profile.name.en : profile.name.zh}</strong>
              </button>
              <p className="hint">
                {EVENT_TYPE_NAMES[profile.eventType][en ? 'en' : 'zh']} ·{' '}
                {t('modes.profiles.version', { version: profile.version })}
                {latest &&
                  ` · ${t('modes.profiles.savedBy', { name: latest.savedBy, time: beijingDateTime(latest.savedAt) })}`}
              </p>
            </li>
          );
        })}
      </ul>
      {shown && profiles && (
        <ProfileEditor
          // A new latest version (saved here or elsewhere) starts a fresh draft from it.
          key={`${shown.id}@${shown.version}`}
          profile={shown}
          versions={versionsOf(profiles.versions, shown.id)}
          editable={editable}
          saved={saved?.id === shown.id ? saved.version : undefined}
          onSaved={(next) => {
            setSaved(next);
            void load();
          }}
        />
      )}
    </div>
  );
}

interface EditorProps {
  profile: ModeProfile;
  versions: Version[];
  editable: boolean;
  /** The version this window just saved, if any. */
  saved: number | undefined;
  onSaved: (saved: { id: string; version: number }) => void;
}

function ProfileEditor({ profile, versions, editable, saved, onSaved }: EditorProps) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const en = i18n.language === 'en';
  const [draft, setDraft] = useState<ModeProfile>(() => structuredClone(profile));
  const [attempted, setAttempted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [refused, setRefused] = useState<ProfileIssue[]>([]);
  const [failure, setFailure] = useState<string>();

  const edit = (change: (next: ModeProfile) => void): void => {
    setRefused([]);
    setFailure(undefined);
    setDraft((previous) => {
      const next = structuredClone(previous);
      change(next);
      return next;
    });
  };
  const checked = useMemo(() => validateProfile(draft), [draft]);
  // Issues show once a save was tried, and then follow every edit.
  const issues = useMemo(
    () => [...(attempted && !checked.ok ? checked.issues : []), ...refused],
    [attempted, checked, refused],
  );
  const placed = useMemo(() => issuesByField(issues, profileFields(draft)), [issues, draft]);
  const at = (field: string): ReactNode => {
    const here = placed.get(field);
    return here?.map((issue, i) => (
      <span key={i} className="failure issue" data-testid="mode-profile-issue" data-field={field}>
        {issue.path || t('modes.profiles.whole')} → {issue.message}
      </span>
    ));
  };

  const save = (): void => {
    setAttempted(true);
    if (!checked.ok) return;
    setSaving(true);
    setFailure(undefined);
    api.modes.saveProfile({ profile: checked.profile }).then(
      (next) => {
        setSaving(false);
        onSaved(next);
      },
      (error: unknown) => {
        setSaving(false);
        if (error instanceof ContractError && error.code === 'invalid-input') setRefused(refusalIssues(error.issues));
        setFailure(message(error));
      },
    );
  };

  const text = (field: 'name' | 'description' | 'broadcast', language: 'zh' | 'en', long: boolean) => {
    const path = `${field}.${language}`;
    const props = {
      value: draft[field][language],
      'data-field': path,
      onChange: (event: { target: { value: string } }) =>
        edit((next) => {
          next[field][language] = event.target.value;
        }),
    };
    return (
      <label className="field">
        <span>
          {t(`modes.profiles.fields.${field}`)} · {language === 'zh' ? '中文' : 'English'}
        </span>
        {long ? <textarea rows={3} {...props} /> : <input type="text" {...props} />}
        {at(path)}
      </label>
    );
  };
  const numberInput = (path: string, value: number, step: number, set: (value: number) => void) => (
    <input
      type="number"
      step={step}
      value={Number.isNaN(value) ? '' : value}
      data-field={path}
      onChange={(event) => set(typedNumber(event.target.value))}
    />
  );
  // Changes one level's effect on the clone `edit` hands it, never on the state itself.
  const levelEdit =
    (level: EmergencyLevel) =>
    (change: (effect: ModeProfile['levels'][EmergencyLevel]) => void): void =>
      edit((next) => change(next.levels[level]));

  return (
    <div className="profile-editor" data-testid={editable ? 'mode-profile-edit' : 'mode-profile-view'}>
      <h3>
        {en ? draft.name.en : draft.name.zh}{' '}
        <span className="hint" data-testid="mode-profile-version" data-version={saved ?? profile.version}>
          {t('modes.profiles.version', { version: profile.version })}
          {saved !== undefined && ` · ${t('modes.profiles.saved', { version: saved })}`}
        </span>
      </h3>
      {issues.length > 0 && (
        <div className="failure" role="alert" data-testid="mode-profile-errors">
          <p>{t('modes.profiles.issues', { count: issues.length })}</p>
          <ul>
            {issues.map((issue, i) => (
              <li key={i} data-path={issue.path}>
                {issue.path || t('modes.profiles.whole')} → {issue.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {at(GENERAL)}
      <fieldset disabled={!editable || saving}>
        {text('name', 'zh', false)}
        {text('name', 'en', false)}
        {text('description', 'zh', true)}
        {text('description', 'en', true)}

        <h4>{t('modes.layers.title')}</h4>
        {at('layers')}
        <table className="sensors layers-preset">
          <thead>
            <tr>
              <th>{t('modes.profiles.layer')}</th>
              <th>{t('modes.layers.show')}</th>
              <th>{t('modes.layers.hide')}</th>
            </tr>
          </thead>
          <tbody>
            {LAYER_KEYS.map((key) => (
              <tr key={key}>
                <td>{t(`layers.names.${key}`)}</td>
                {(['show', 'hide'] as const).map((side) => (
                  <td key={side}>
                    <input
                      type="checkbox"
                      aria-label={`${t(`layers.names.${key}`)} · ${t(`modes.layers.${side}`)}`}
                      checked={draft.layers[side].includes(key)}
                      data-field={`layers.${side}`}
                      data-testid={`mode-profile-layer-${side}-${key}`}
                      onChange={(event) =>
                        edit((next) => {
                          const rest = next.layers[side].filter((other) => other !== key);
                          next.layers[side] = event.target.checked ? [...rest, key] : rest;
                        })
                      }
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {at('layers.show')}
        {at('layers.hide')}
        <label className="row">
          <input
            type="checkbox"
            checked={draft.layers.sensorKinds !== undefined}
            data-testid="mode-profile-sensor-kinds-limit"
            onChange={(event) =>
              edit((next) => {
                if (event.target.checked) next.layers.sensorKinds = [...SENSOR_KINDS];
                else delete next.layers.sensorKinds;
              })
            }
          />
          {t('modes.profiles.sensorKindsLimit')}
        </label>
        {draft.layers.sensorKinds && (
          <div className="row">
            {SENSOR_KINDS.map((kind) => (
              <label key={kind}>
                <input
                  type="checkbox"
                  checked={draft.layers.sensorKinds?.includes(kind) ?? false}
                  data-field="layers.sensorKinds"
                  data-testid={`mode-profile-sensor-kind-${kind}`}
                  onChange={(event) =>
                    edit((next) => {
                      const rest = (next.layers.sensorKinds ?? []).filter((other) => other !== kind);
                      next.layers.sensorKinds = event.target.checked ? [...rest, kind] : rest;
                    })
                  }
                />
                {t(`layers.sensorKinds.${kind}`)}
              </label>
            ))}
          </div>
        )}
        {at('layers.sensorKinds')}

        {[...EMERGENCY_LEVELS].reverse().map((level) => {
          const effect = draft.levels[level];
          const base = `levels.${level}`;
          const change = levelEdit(level);
          return (
            <fieldset
              key={level}
              className="level-effect"
              style={{ borderColor: LEVEL_INFO[level].colour }}
              data-testid={`mode-profile-level-${level}`}
            >
              <legend style={{ color: LEVEL_INFO[level].colour }}>{LEVEL_INFO[level][en ? 'en' : 'zh']}</legend>
              <table className="sensors">
                <thead>
                  <tr>
                    <th>{t('modes.sensors.kind')}</th>
                    <th>{t('modes.profiles.warnFactor')}</th>
                    <th>{t('modes.profiles.alarmFactor')}</th>
                    <th>{t('modes.profiles.cadence')}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {effect.sensors.map((sensor, i) => {
                    const row = `${base}.sensors.${i}`;
                    return (
                      <tr key={i} data-testid={`mode-profile-${level}-sensor-${i}`}>
                        <td>
                          <select
                            value={sensor.kind}
                            data-field={`${row}.kind`}
                            onChange={(event) =>
                              change((next) => {
                                next.sensors[i]!.kind = event.target.value as SensorKind;
                              })
                            }
                          >
                            {SENSOR_KINDS.map((kind) => (
                              <option key={kind} value={kind}>
                                {t(`layers.sensorKinds.${kind}`)}
                              </option>
                            ))}
                          </select>
                          {at(`${row}.kind`)}
                        </td>
                        <td>
                          {numberInput(`${row}.warnFactor`, sensor.warnFactor, 0.05, (value) =>
                            change((next) => {
                              next.sensors[i]!.warnFactor = value;
                            }),
                          )}
                          {at(`${row}.warnFactor`)}
                        </td>
                        <td>
                          {numberInput(`${row}.alarmFactor`, sensor.alarmFactor, 0.05, (value) =>
                            change((next) => {
                              next.sensors[i]!.alarmFactor = value;
                            }),
                          )}
                          {at(`${row}.alarmFactor`)}
                        </td>
                        <td>
                          {numberInput(`${row}.cadenceSeconds`, sensor.cadenceSeconds, 1, (value) =>
                            change((next) => {
                              next.sensors[i]!.cadenceSeconds = value;
                            }),
                          )}
                          {at(`${row}.cadenceSeconds`)}
                        </td>
                        <td>
                          <button
                            type="button"
                            aria-label={t('modes.profiles.removeSensor')}
                            onClick={() =>
                              change((next) => {
                                next.sensors.splice(i, 1);
                              })
                            }
                          >
                            ×
                          </button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              <button
                type="button"
                disabled={effect.sensors.length >= SENSOR_KINDS.length}
                onClick={() =>
                  change((next) => {
                    next.sensors.push(newSensorEffect(next.sensors));
                  })
                }
                data-testid={`mode-profile-${level}-add-sensor`}
              >
                + {t('modes.profiles.addSensor')}
              </button>
              {at(`${base}.sensors`)}

              <div className="row">
                <label className="field">
                  <span>{t('modes.profiles.deadlineFactor')}</span>
                  {numberInput(`${base}.tickets.deadlineFactor`, effect.tickets.deadlineFactor, 0.05, (value) =>
                    change((next) => {
                      next.tickets.deadlineFactor = value;
                    }),
                  )}
                  {at(`${base}.tickets.deadlineFactor`)}
                </label>
                <label className="field">
                  <span>{t('modes.profiles.priority')}</span>
                  <select
                    value={effect.tickets.priority}
                    data-field={`${base}.tickets.priority`}
                    onChange={(event) =>
                      change((next) => {
                        next.tickets.priority = event.target.value as 'urgent' | 'emergency';
                      })
                    }
                  >
                    {(['urgent', 'emergency'] as const).map((priority) => (
                      <option key={priority} value={priority}>
                        {t(`modes.tickets.priorities.${priority}`)}
                      </option>
                    ))}
                  </select>
                  {at(`${base}.tickets.priority`)}
                </label>
                <label className="field">
                  <span>{t('modes.profiles.ackWithin')}</span>
                  {numberInput(`${base}.ackWithinSeconds`, effect.ackWithinSeconds, 1, (value) =>
                    change((next) => {
                      next.ackWithinSeconds = value;
                    }),
                  )}
                  {at(`${base}.ackWithinSeconds`)}
                </label>
              </div>
              <CategoriesField
                label={t('modes.profiles.categories')}
                field={`${base}.tickets.categories`}
                codes={effect.tickets.categories}
                onChange={(codes) =>
                  change((next) => {
                    next.tickets.categories = codes;
                  })
                }
              />
              {at(`${base}.tickets.categories`)}

              <p className="hint">{t('modes.roster.title')}</p>
              <div className="roster">
                {DUTY_GROUPS.map((group) => (
                  <label key={group}>
                    <input
                      type="checkbox"
                      checked={effect.roster.includes(group)}
                      data-field={`${base}.roster`}
                      data-testid={`mode-profile-${level}-roster-${group}`}
                      onChange={(event) =>
                        change((next) => {
                          const rest = next.roster.filter((other) => other !== group);
                          next.roster = event.target.checked ? [...rest, group] : rest;
                        })
                      }
                    />
                    {t(`modes.roster.groups.${group}`)}
                  </label>
                ))}
              </div>
              {at(`${base}.roster`)}
            </fieldset>
          );
        })}

        <h4>{t('modes.broadcast.title')}</h4>
        <p className="hint">{t('modes.profiles.templateHint')}</p>
        {text('broadcast', 'zh', true)}
        {text('broadcast', 'en', true)}
      </fieldset>

      {editable && (
        <button type="button" className="confirm save" disabled={saving} onClick={save} data-testid="mode-profile-save">
          {saving ? t('modes.profiles.saving') : t('modes.profiles.save')}
        </button>
      )}
      {failure && (
        <p className="failure" role="alert">
          {t('modes.profiles.saveFailed', { message: failure })}
        </p>
      )}

      <h4>{t('modes.profiles.versions')}</h4>
      <ol className="versions" data-testid="mode-profile-versions">
        {versions.map((entry) => (
          <li key={entry.version} data-version={entry.version}>
            {t('modes.profiles.version', { version: entry.version })} ·{' '}
            {t('modes.profiles.savedBy', { name: entry.savedBy, time: beijingDateTime(entry.savedAt) })}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Category codes as typed (commas or spaces between them), kept as text while typing so a trailing comma stays. */
function CategoriesField({
  label,
  field,
  codes,
  onChange,
}: {
  label: string;
  field: string;
  codes: readonly string[];
  onChange: (codes: string[]) => void;
}) {
  const [text, setText] = useState(() => codes.join(', '));
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="text"
        value={text}
        data-field={field}
        onChange={(event) => {
          setText(event.target.value);
          onChange(typedCategories(event.target.value));
        }}
      />
    </label>
  );
}
