/**
 * The search box in the title bar: grids by name or code, cameras and sensors by code or id. Results come as the
 * commander types (debounced; answers to older queries are dropped); Enter or a click picks one, and the map flies
 * there and opens its card. Arrow keys move through the list, Escape closes it.
 */
import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SearchHit } from '../../../shared/contract';
import { useMapSearch } from '../../state/use-map-search';

export function SearchBox({ onPick }: { onPick: (hit: SearchHit) => void }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [selected, setSelected] = useState(0);
  // An empty box hides the list (see below); the last answer may stay until the next one replaces it.
  const { result, failure } = useMapSearch(query, { onResult: () => setSelected(0) });

  const pick = (hit: SearchHit | undefined): void => {
    if (!hit) return;
    setOpen(false);
    onPick(hit);
  };
  const hits = result?.hits ?? [];
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'ArrowDown') setSelected((at) => Math.min(hits.length - 1, at + 1));
    else if (event.key === 'ArrowUp') setSelected((at) => Math.max(0, at - 1));
    else if (event.key === 'Enter') pick(hits[selected]);
    else if (event.key === 'Escape') setOpen(false);
    else return;
    event.preventDefault();
  };

  return (
    <div className="search-box" role="search">
      <input
        type="search"
        value={query}
        placeholder={t('search.placeholder')}
        aria-label={t('search.label')}
        aria-expanded={open && Boolean(result)}
        aria-controls="search-results"
        role="combobox"
        maxLength={64}
        data-testid="search-input"
        onChange={(event) => {
          setQuery(event.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={onKeyDown}
      />
      {open && query.trim() && (result || failure) && (
        <ul id="search-results" role="listbox" data-testid="search-results">
          {failure && <li className="empty">{t('search.failed', { message: failure })}</li>}
          {!failure && hits.length === 0 && <li className="empty">{t('search.none', { query: query.trim() })}</li>}
          {hits.map((hit, i) => (
            <li
              key={`${hit.kind}-${hit.id}`}
              role="option"
              aria-selected={i === selected}
              data-testid="search-hit"
              onMouseDown={(event) => {
                // Before the input loses focus, so the list is still there to click.
                event.preventDefault();
                pick(hit);
              }}
            >
              <span className="kind">
                {hit.kind === 'grid' ? t(`layers.gridLevels.${hit.detail}`) : t(`search.kinds.${hit.kind}`)}
              </span>
              <span className="name" title={hit.parent ?? undefined}>
                {hit.name}
              </span>
              <span className="code">{hit.kind === 'grid' ? hit.code : ''}</span>
            </li>
          ))}
          {result?.more && <li className="empty">{t('search.more')}</li>}
        </ul>
      )}
    </div>
  );
}
