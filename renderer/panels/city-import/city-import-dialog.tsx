/**
 * Import a deployment's own data: grids (GeoJSON, replaces the city) or workers, cameras, sensors, tickets (CSV,
 * appended), from a file on the console's machine, with the declared coordinate system. Shows progress while it
 * runs, and on a refusal the reason (file, row or feature, what is wrong): the store is then unchanged.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ContractError, type ImportProgressData, type ImportResult } from '../../../shared/contract';
import { IMPORT_CRSES, IMPORT_KINDS, type ImportCrs, type ImportKind } from '../../../shared/domain/city-import';
import { useApi } from '../../app/providers/connection-context';

type Outcome = { ok: true; result: ImportResult } | { ok: false; message: string };

export function CityImportDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const [path, setPath] = useState('');
  const [kind, setKind] = useState<ImportKind>('grids');
  const [crs, setCrs] = useState<ImportCrs>('WGS-84');
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<ImportProgressData>();
  const [outcome, setOutcome] = useState<Outcome>();

  useEffect(() => api.events.on('city.importProgress', setProgress), [api]);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setRunning(true);
    setOutcome(undefined);
    setProgress(undefined);
    api.city
      .importFile({ path: path.trim(), kind, crs })
      .then(
        (result) => setOutcome({ ok: true, result }),
        (error: unknown) =>
          setOutcome({ ok: false, message: error instanceof ContractError ? error.message : String(error) }),
      )
      .finally(() => setRunning(false));
  };

  const percent = progress?.total ? Math.floor((progress.done / progress.total) * 100) : undefined;
  return (
    <section className="dialog city-import" role="dialog" aria-labelledby="city-import-title" data-testid="city-import">
      <h2 id="city-import-title">{t('cityImport.title')}</h2>
      <form onSubmit={submit}>
        <label>
          {t('cityImport.kind')}
          <select
            value={kind}
            onChange={(event) => setKind(event.target.value as ImportKind)}
            data-testid="import-kind"
          >
            {IMPORT_KINDS.map((option) => (
              <option key={option} value={option}>
                {t(`cityImport.kinds.${option}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('cityImport.crs')}
          <select value={crs} onChange={(event) => setCrs(event.target.value as ImportCrs)} data-testid="import-crs">
            {IMPORT_CRSES.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </label>
        <label className="wide">
          {t('cityImport.path')}
          <input
            value={path}
            onChange={(event) => setPath(event.target.value)}
            placeholder="/data/zhengzhou/grids.geojson"
            spellCheck={false}
            required
            data-testid="import-path"
          />
        </label>
        <p className="hint">{t(kind === 'grids' ? 'cityImport.replaces' : 'cityImport.appends')}</p>
        {running && (
          <div className="import-progress" data-testid="import-progress">
            <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent ?? 0}>
              <div className="fill" style={{ width: `${percent ?? 5}%` }} />
            </div>
            <span>
              {progress
                ? `${t(`cityImport.phases.${progress.phase}`, progress.phase)} ${percent ?? progress.done}${percent === undefined ? '' : '%'}`
                : t('cityImport.starting')}
            </span>
          </div>
        )}
        {outcome?.ok === true && (
          <p className="success" data-testid="import-success">
            {t('cityImport.done', { inserted: outcome.result.inserted, seconds: outcome.result.seconds.toFixed(1) })}
          </p>
        )}
        {outcome?.ok === false && (
          <p className="failure" role="alert" data-testid="import-refused">
            {t('cityImport.refused', { message: outcome.message })}
          </p>
        )}
        <div className="actions">
          <button type="submit" disabled={running || path.trim() === ''} data-testid="import-start">
            {t('cityImport.start')}
          </button>
          <button type="button" onClick={onClose} disabled={running}>
            {t('cityImport.close')}
          </button>
        </div>
      </form>
    </section>
  );
}
