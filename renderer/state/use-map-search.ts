/**
 * Search as the commander types, through `map.search`: debounced, and an answer to an older query never replaces a
 * newer one. The title bar's search box and the broadcast desk's grid picker both search this way.
 */
import { useEffect, useRef, useState } from 'react';
import type { GridLevel, SearchResult } from '../../shared/contract';
import { useApi } from '../app/providers/connection-context';

const DEBOUNCE_MS = 150;

export interface MapSearchState {
  /** The latest answer; it stays while the next query is on its way. */
  result: SearchResult | undefined;
  /** The query (trimmed) and level `result` answers: a list that must not offer stale hits checks them. */
  answers: { query: string; level: GridLevel | undefined } | undefined;
  failure: string | undefined;
}

/** `level`: grids of that level only. An empty query asks nothing (the last answer stays until the next one). */
export function useMapSearch(
  query: string,
  { level, limit, onResult }: { level?: GridLevel; limit?: number; onResult?: () => void } = {},
): MapSearchState {
  const api = useApi();
  const [answer, setAnswer] = useState<Pick<MapSearchState, 'result' | 'answers'>>({
    result: undefined,
    answers: undefined,
  });
  const [failure, setFailure] = useState<string>();
  const latest = useRef(0);
  // Read when an answer arrives, so a new callback does not start a new search.
  const answered = useRef(onResult);
  useEffect(() => {
    answered.current = onResult;
  });

  useEffect(() => {
    const text = query.trim();
    const request = ++latest.current;
    if (!text) return;
    const timer = window.setTimeout(() => {
      api.map.search({ query: text, ...(level ? { level } : {}), ...(limit ? { limit } : {}) }).then(
        (next) => {
          if (request !== latest.current) return;
          setAnswer({ result: next, answers: { query: text, level } });
          setFailure(undefined);
          answered.current?.();
        },
        (error: unknown) => {
          if (request === latest.current) setFailure(error instanceof Error ? error.message : String(error));
        },
      );
    }, DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [api, query, level, limit]);

  return { ...answer, failure };
}
