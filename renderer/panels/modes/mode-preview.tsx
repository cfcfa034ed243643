/**
 * What a switch will change, as `modes.preview` answers it: the level from → to, sensor thresholds and cadence before
 * → after per kind, the layer preset, the activation broadcast and who gets it, the duty groups called up, the ticket
 * categories with their deadline factor and priority — and whether this operator may switch, or a second one must
 * confirm.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ModePreview } from '../../../shared/contract';
import { LEVEL_INFO, type EmergencyLevel } from '../../../shared/domain/modes/emergency-levels';

export function ModePreviewView({ preview }: { preview: ModePreview }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const number = (value: number): string => value.toLocaleString(i18n.language);
  const value = (figure: number | null): string => (figure === null ? '—' : number(figure));
  const levelName = (level: EmergencyLevel | null): string =>
    level === null ? t('modes.normal') : LEVEL_INFO[level][en ? 'en' : 'zh'];
  const levelStyle = (level: EmergencyLevel | null) =>
    level === null ? undefined : { borderColor: LEVEL_INFO[level].colour, color: LEVEL_INFO[level].colour };
  const { layers, broadcast, tickets } = preview;
  // The preview opens below the form (or the list, for a step): bring it into view, the commander asked for it (jsdom
  // has no scrollIntoView).
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    // A block body: Chromium's scrollIntoView may return a promise, which React would take for a cleanup function.
    section.current?.scrollIntoView?.({ block: 'start', behavior: 'smooth' });
  }, [preview]);

  return (
    <section
      ref={section}
      className="mode-preview"
      aria-label={t('modes.previewTitle')}
      data-testid="mode-preview-result"
    >
      <h3>{t('modes.previewTitle')}</h3>
      <p className="levels" data-testid="mode-preview-levels">
        <span className="level-tag" style={levelStyle(preview.from)}>
          {levelName(preview.from)}
        </span>{' '}
        →{' '}
        <span className="level-tag" style={levelStyle(preview.to)}>
          {levelName(preview.to)}
        </span>
      </p>
      <p className="hint">
        {preview.profile
          ? t('modes.profile', {
              name: en ? preview.profile.name.en : preview.profile.name.zh,
              version: preview.profile.version,
            })
          : null}{' '}
        {en ? preview.scopeLabel.en : preview.scopeLabel.zh}
      </p>

      <h4>{t('modes.sensors.title')}</h4>
      {preview.sensors.length === 0 ? (
        <p className="hint">{t('modes.sensors.none')}</p>
      ) : (
        <table className="sensors" data-testid="mode-preview-sensors">
          <thead>
            <tr>
              <th>{t('modes.sensors.kind')}</th>
              <th>{t('modes.sensors.count')}</th>
              <th>{t('modes.sensors.warn')}</th>
              <th>{t('modes.sensors.alarm')}</th>
              <th>{t('modes.sensors.cadence')}</th>
            </tr>
          </thead>
          <tbody>
            {preview.sensors.map((row) => (
              <tr key={row.kind} data-kind={row.kind}>
                <td>{t(`layers.sensorKinds.${row.kind}`)}</td>
                <td>{number(row.count)}</td>
                <td>
                  {value(row.before.warn)} → {value(row.after.warn)}
                </td>
                <td>
                  {value(row.before.alarm)} → {value(row.after.alarm)}
                </td>
                <td>
                  {t('modes.sensors.seconds', { value: number(row.before.cadenceS) })} →{' '}
                  {t('modes.sensors.seconds', { value: number(row.after.cadenceS) })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {layers && (
        <>
          <h4>{t('modes.layers.title')}</h4>
          <ul className="facts" data-testid="mode-preview-layers">
            {layers.show.length > 0 && (
              <li>
                {t('modes.layers.show')}: {layers.show.map((key) => t(`layers.names.${key}`)).join('、')}
              </li>
            )}
            {layers.hide.length > 0 && (
              <li>
                {t('modes.layers.hide')}: {layers.hide.map((key) => t(`layers.names.${key}`)).join('、')}
              </li>
            )}
            {layers.sensorKinds && (
              <li>
                {t('modes.layers.sensorKinds')}:{' '}
                {layers.sensorKinds.map((kind) => t(`layers.sensorKinds.${kind}`)).join('、')}
              </li>
            )}
          </ul>
        </>
      )}

      <h4>{t('modes.broadcast.title')}</h4>
      {broadcast ? (
        <div className="broadcast" data-testid="mode-preview-broadcast">
          <blockquote>{en ? broadcast.text.en : broadcast.text.zh}</blockquote>
          <p>
            {t('modes.broadcast.recipients', {
              workers: number(broadcast.workers),
              grids: number(broadcast.grids),
              minutes: number(Math.round(broadcast.ackWithinSeconds / 60)),
            })}
          </p>
        </div>
      ) : (
        <p className="hint" data-testid="mode-preview-broadcast">
          {t('modes.broadcast.none')}
        </p>
      )}

      <h4>{t('modes.roster.title')}</h4>
      <p data-testid="mode-preview-roster">
        {preview.roster.length === 0
          ? t('modes.roster.none')
          : preview.roster.map((group) => t(`modes.roster.groups.${group}`)).join('、')}
      </p>

      {tickets && (
        <>
          <h4>{t('modes.tickets.title')}</h4>
          <p data-testid="mode-preview-tickets">
            {t('modes.tickets.summary', {
              categories: tickets.categories.join('、') || '—',
              factor: number(tickets.deadlineFactor),
              priority: t(`modes.tickets.priorities.${tickets.priority}`, { defaultValue: tickets.priority }),
            })}
          </p>
        </>
      )}

      {preview.refusal !== null && (
        <p className="failure" role="alert" data-testid="mode-preview-refusal">
          {t('modes.refused', { message: preview.refusal })}
        </p>
      )}
      {preview.refusal === null && preview.needsSecondOperator && (
        <p className="hint two-person" data-testid="mode-preview-two-person">
          {t('modes.twoPerson')}
        </p>
      )}
    </section>
  );
}
