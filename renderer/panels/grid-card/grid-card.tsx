/** The grid a commander clicked or found: where it sits, and who and what is in it. */
import { useTranslation } from 'react-i18next';
import type { GridCard as GridCardData } from '../../../shared/contract';

export function GridCard({ card, onClose }: { card: GridCardData; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const number = (value: number): string => value.toLocaleString(i18n.language);
  const exclusive = card.grid.exclusiveKind;
  const rows: [string, string, string][] = [
    ...(exclusive
      ? [['kind', t('gridCard.exclusiveKind'), t(`gridCard.exclusiveKinds.${exclusive}`)] as [string, string, string]]
      : [['households', t('gridCard.households'), number(card.grid.households)] as [string, string, string]]),
    ['area', t('gridCard.area'), `${card.grid.areaKm2.toFixed(card.grid.areaKm2 < 1 ? 3 : 1)} km²`],
    [
      'workers',
      t('gridCard.workers'),
      t('gridCard.workersValue', { onDuty: number(card.workersOnDuty), total: number(card.workers) }),
    ],
    ['open-tickets', t('gridCard.openTickets'), number(card.openTickets)],
    ['overdue-tickets', t('gridCard.overdueTickets'), number(card.overdueTickets)],
    ['cameras', t('gridCard.cameras'), number(card.cameras)],
    ['sensors', t('gridCard.sensors'), number(card.sensors)],
  ];
  return (
    <section className="map-card" role="dialog" aria-labelledby="grid-card-title" data-testid="grid-card">
      <h2 id="grid-card-title">
        <span data-testid="grid-card-name">{card.grid.name}</span>
        <span className="level">{t(`layers.gridLevels.${card.grid.level}`)}</span>
      </h2>
      <p className="code" data-testid="grid-card-code">
        {card.grid.code}
      </p>
      <p className="chain" data-testid="grid-card-chain">
        {[card.county, ...card.parents.map((parent) => parent.name)].join(' › ')}
      </p>
      <dl>
        {rows.map(([key, label, value]) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd data-testid={`grid-card-${key}`}>{value}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={onClose}>
        {t('gridCard.close')}
      </button>
    </section>
  );
}
