/** Where the map's data comes from and how good it is, in the user's language. */
import { useTranslation } from 'react-i18next';
import type { CityOutline } from '../../../shared/contract';

export interface DataNoteProps {
  outline: CityOutline;
  /** The city data is the generated default city (not a deployment's own import). */
  generated: boolean;
  onClose: () => void;
}

export function DataNote({ outline, generated, onClose }: DataNoteProps) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 0 });
  const gap = ((outline.officialAreaKm2 - outline.areaKm2) / outline.officialAreaKm2) * 100;
  return (
    <section className="data-note" role="dialog" aria-labelledby="data-note-title" data-testid="data-note">
      <h2 id="data-note-title">{t('dataNote.title')}</h2>
      <p>{t('dataNote.outline')}</p>
      <p data-testid="data-note-area">
        {t('dataNote.area', {
          area: number.format(outline.areaKm2),
          official: number.format(outline.officialAreaKm2),
          gap: gap.toFixed(1),
        })}
      </p>
      <p>{t('dataNote.context')}</p>
      {generated && <p data-testid="data-note-synthetic">{t('dataNote.synthetic')}</p>}
      <button type="button" onClick={onClose}>
        {t('dataNote.close')}
      </button>
    </section>
  );
}
