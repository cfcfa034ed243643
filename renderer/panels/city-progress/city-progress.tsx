/** The first-start progress card: which phase the default city is in, how far, and how long is left. */
import { useTranslation } from 'react-i18next';
import type { GenerationProgressData } from '../../../shared/contract';

export function CityProgress({ progress }: { progress: GenerationProgressData | undefined }) {
  const { t } = useTranslation();
  const percent = Math.floor((progress?.fraction ?? 0) * 100);
  const eta = progress?.etaSeconds;
  return (
    <section className="city-progress" data-testid="city-progress" aria-live="polite">
      <h2>{t('cityProgress.title')}</h2>
      <div
        className="bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-label={t('cityProgress.title')}
      >
        <div className="fill" style={{ width: `${percent}%` }} />
      </div>
      <p>
        <span data-testid="city-progress-phase">{t(`cityProgress.phase.${progress?.phase ?? 'grids'}`)}</span>
        <span className="percent">{percent}%</span>
        <span className="eta">
          {eta === null || eta === undefined
            ? t('cityProgress.estimating')
            : t('cityProgress.eta', { seconds: Math.ceil(eta) })}
        </span>
      </p>
      <p className="hint">{t('cityProgress.hint')}</p>
    </section>
  );
}
