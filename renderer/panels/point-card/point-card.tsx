/**
 * A camera's or a sensor's card. A camera says plainly whether a stream is configured (none is, until the video issue
 * connects the city's cameras); a sensor shows its state and thresholds.
 */
import { useTranslation } from 'react-i18next';
import type { PointCard as PointCardData } from '../../../shared/contract';

export function PointCard({ card, onClose }: { card: PointCardData; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const kind = card.layer === 'cameras' ? t(`layers.cameraKinds.${card.kind}`) : t(`layers.sensorKinds.${card.kind}`);
  const rows: [string, string, string, string?][] = [
    ['kind', t('pointCard.kind'), kind],
    ['grid', t('pointCard.grid'), `${card.grid.name} (${card.grid.code})`],
    ['position', t('pointCard.position'), `${card.position[0].toFixed(5)}, ${card.position[1].toFixed(5)}`],
  ];
  if (card.layer === 'sensors') {
    const threshold = (value: number | null): string =>
      value === null ? t('pointCard.none') : value.toLocaleString(i18n.language);
    rows.push(
      ['state', t('pointCard.state'), t(`pointCard.states.${card.state}`), `state-${card.state}`],
      [
        'thresholds',
        t('pointCard.thresholds'),
        t('pointCard.thresholdsValue', {
          warn: threshold(card.warnThreshold),
          alarm: threshold(card.alarmThreshold),
          unit: card.unit,
        }),
      ],
      ['as-of', t('pointCard.asOf'), new Date(card.asOf * 1000).toLocaleString(i18n.language, { hour12: false })],
    );
  }
  return (
    <section className="map-card" role="dialog" aria-labelledby="point-card-title" data-testid="point-card">
      <h2 id="point-card-title">
        <span data-testid="point-card-code">{card.code}</span>
        <span className="level">{t(`pointCard.${card.layer}`)}</span>
      </h2>
      <p className="chain" data-testid="point-card-chain">
        {card.chain.join(' › ')}
      </p>
      <dl>
        {rows.map(([key, label, value, className]) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd className={className} data-testid={`point-card-${key}`}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {card.layer === 'cameras' &&
        (card.streamUrl === null ? (
          <p className="notice" role="note" data-testid="point-card-no-stream">
            {t('pointCard.noStream')}
          </p>
        ) : (
          <p className="notice" data-testid="point-card-stream">
            {t('pointCard.stream')}: {card.streamUrl}
          </p>
        ))}
      <button type="button" onClick={onClose}>
        {t('pointCard.close')}
      </button>
    </section>
  );
}
