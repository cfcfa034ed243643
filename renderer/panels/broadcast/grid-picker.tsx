/**
 * Grids as a broadcast target: the commander chooses a level (L1, L2, L3 or exclusive), then adds grids by searching
 * them by name or code (`map.search`, that level only: the top hits, never a list of thousands) or by clicking them on
 * the map in pick mode. Picks show as removable chips (and on the map, outlined in the drawing colour).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SearchHit } from '../../../shared/contract';
import { PICK_LEVELS, type BroadcastTargetState, type PickedGrid } from '../../state/use-broadcast-target';
import { useMapSearch } from '../../state/use-map-search';

/** Search hits shown at once: enough to choose from, few enough to read. */
export const PICKER_HITS = 20;
/** Chips drawn at once; the rest are counted (picking on the map can add many). */
export const CHIPS_SHOWN = 100;

const pickedFromHit = (hit: SearchHit): PickedGrid => ({
  id: hit.id,
  code: hit.code,
  name: hit.name,
  parent: hit.parent,
});

export function GridPicker({ target }: { target: BroadcastTargetState }) {
  const { t } = useTranslation();
  const { level, setLevel, picks, togglePick, removePick, clearPicks, pickingOnMap, setPickingOnMap } = target;
  const [query, setQuery] = useState('');
  const { result, answers, failure } = useMapSearch(query, { level, limit: PICKER_HITS });
  const levelName = t(`broadcast.levels.${level}`);
  const picked = new Set(picks.map((pick) => pick.id));
  // Until the answer to this very query and level arrives, the last one is not offered: a click would pick from it.
  const current = answers?.query === query.trim() && answers.level === level;
  const hits = current ? (result?.hits ?? []) : [];

  return (
    <div className="grid-picker" data-testid="broadcast-grid-picker">
      <div className="row levels" role="radiogroup" aria-label={t('broadcast.gridLevel')}>
        {PICK_LEVELS.map((option) => (
          <label key={option}>
            <input
              type="radio"
              name="broadcast-grid-level"
              checked={level === option}
              onChange={() => setLevel(option)}
              data-testid={`broadcast-grid-level-${option}`}
            />
            {t(`broadcast.levels.${option}`)}
          </label>
        ))}
      </div>
      <div className="row">
        <input
          type="search"
          className="grid-search"
          value={query}
          maxLength={64}
          placeholder={t('broadcast.gridSearch', { level: levelName })}
          aria-label={t('broadcast.gridSearch', { level: levelName })}
          data-testid="broadcast-grid-search"
          onChange={(event) => setQuery(event.target.value)}
        />
        <button
          type="button"
          aria-pressed={pickingOnMap}
          className={pickingOnMap ? 'active' : undefined}
          onClick={() => setPickingOnMap(!pickingOnMap)}
          data-testid="broadcast-pick-on-map"
        >
          {t('broadcast.pickOnMap')}
        </button>
      </div>
      {pickingOnMap && (
        <p className="hint picking" role="status">
          {t('broadcast.pickingHint', { level: levelName })}
        </p>
      )}
      {query.trim() && (
        <ul className="grid-hits" aria-label={t('broadcast.gridHits')} data-testid="broadcast-grid-hits">
          {failure && <li className="empty">{t('search.failed', { message: failure })}</li>}
          {!failure && !current && <li className="empty">{t('broadcast.searching')}</li>}
          {!failure && current && hits.length === 0 && (
            <li className="empty">{t('search.none', { query: query.trim() })}</li>
          )}
          {hits.map((hit) => (
            <li key={hit.id}>
              <button
                type="button"
                aria-pressed={picked.has(hit.id)}
                onClick={() => togglePick(pickedFromHit(hit))}
                data-testid="broadcast-grid-hit"
              >
                <span className="mark" aria-hidden="true">
                  {picked.has(hit.id) ? '✓' : '+'}
                </span>
                <span className="name">{hit.name}</span>
                <span className="parent">{hit.parent}</span>
                <span className="code">{hit.code}</span>
              </button>
            </li>
          ))}
          {current && result?.more && <li className="empty">{t('search.more')}</li>}
        </ul>
      )}
      <div className="chips" aria-label={t('broadcast.picked', { count: picks.length })} data-testid="broadcast-chips">
        {picks.length === 0 ? (
          <span className="hint">{t('broadcast.noPicks', { level: levelName })}</span>
        ) : (
          <>
            {picks.slice(0, CHIPS_SHOWN).map((pick) => (
              <span
                key={pick.id}
                className="chip"
                title={`${pick.code} · ${pick.parent ?? ''}`}
                data-testid="broadcast-chip"
              >
                {pick.name}
                {pick.parent && <small>{pick.parent}</small>}
                <button
                  type="button"
                  aria-label={t('broadcast.removePick', { name: pick.name })}
                  onClick={() => removePick(pick.id)}
                >
                  ×
                </button>
              </span>
            ))}
            {picks.length > CHIPS_SHOWN && (
              <span className="hint">{t('broadcast.morePicks', { count: picks.length - CHIPS_SHOWN })}</span>
            )}
            <button type="button" className="clear" onClick={clearPicks} data-testid="broadcast-clear-picks">
              {t('broadcast.clearPicks')}
            </button>
          </>
        )}
      </div>
    </div>
  );
}
