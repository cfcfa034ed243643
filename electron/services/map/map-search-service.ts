/**
 * The search box: grids by code or name, cameras and sensors by code or id. Codes match from the start (the code
 * index answers a prefix as a range), names anywhere; the best hits come first — an exact code, then a code prefix,
 * then a name that starts with the query, then one that contains it; coarser grids before finer ones. Asked for one
 * grid level (the broadcast desk picking targets), it answers grids of that level only. Each grid hit says where the
 * grid sits (its parent, or the county for a street): generated and real cities alike reuse community names.
 */
import type { GridLevel, SearchHit, SearchResult } from '../../../shared/contract';
import type { Store } from '../store/store';

export const DEFAULT_SEARCH_LIMIT = 12;
/** Devices are small: fly in close. */
const DEVICE_ZOOM = 16.5;
const LEVEL_RANK: Record<string, number> = { L1: 0, L2: 1, L3: 2, micro: 3, exclusive: 4 };

/** `LIKE` treats % and _ as wildcards; a query is text, so they are escaped. */
const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The zoom at which a box of this many degrees fills about 600 px of a 512-px-tile map. */
export function zoomToFit(spanLng: number, spanLat: number, latitude: number): number {
  const span = Math.max(spanLng, spanLat / Math.cos((latitude * Math.PI) / 180), 1e-5);
  return Math.min(17, Math.max(8, Math.log2((600 * 360) / (512 * span))));
}

interface Ranked {
  hit: SearchHit;
  rank: number;
}

export class MapSearchService {
  constructor(private readonly store: Store) {}

  search(rawQuery: string, limit = DEFAULT_SEARCH_LIMIT, level?: GridLevel): SearchResult {
    const query = rawQuery.trim();
    const ranked = [
      ...this.grids(query, limit, level),
      ...(level ? [] : [...this.devices('cameras', query, limit), ...this.devices('sensors', query, limit)]),
    ];
    ranked.sort((a, b) => a.rank - b.rank || a.hit.name.length - b.hit.name.length || a.hit.id - b.hit.id);
    return { hits: ranked.slice(0, limit).map((entry) => entry.hit), more: ranked.length > limit };
  }

  private grids(query: string, limit: number, level: GridLevel | undefined): Ranked[] {
    const code = query.toUpperCase();
    const rows = this.store
      .reader()
      .prepare(
        `SELECT g.id, g.code, g.name, g.level, g.centroid_lon, g.centroid_lat, g.max_lon - g.min_lon AS dlng,
                g.max_lat - g.min_lat AS dlat, COALESCE(p.name, c.name) AS parent,
                CASE WHEN g.code = ? THEN 0 WHEN g.code >= ? AND g.code < ? THEN 1
                     WHEN g.name LIKE ? ESCAPE '\\' THEN 2 ELSE 3 END AS rank
         FROM grids g LEFT JOIN grids p ON p.id = g.parent_id LEFT JOIN counties c ON c.id = g.county_id
         WHERE ((g.code >= ? AND g.code < ?) OR g.name LIKE ? ESCAPE '\\') AND (? IS NULL OR g.level = ?)
         ORDER BY rank,
                  CASE g.level WHEN 'L1' THEN 0 WHEN 'L2' THEN 1 WHEN 'L3' THEN 2 WHEN 'micro' THEN 3 ELSE 4 END,
                  length(g.name), g.id
         LIMIT ?`,
      )
      .all(
        code,
        code,
        `${code}\uffff`,
        `${likeEscape(query)}%`,
        code,
        `${code}\uffff`,
        `%${likeEscape(query)}%`,
        level ?? null,
        level ?? null,
        limit + 1,
      ) as {
      id: number;
      code: string;
      name: string;
      level: string;
      centroid_lon: number;
      centroid_lat: number;
      dlng: number;
      dlat: number;
      parent: string | null;
      rank: number;
    }[];
    return rows.map((row) => ({
      // Grids of the same match quality: coarser first.
      rank: row.rank * 10 + (LEVEL_RANK[row.level] ?? 5),
      hit: {
        kind: 'grid',
        id: row.id,
        code: row.code,
        name: row.name,
        detail: row.level,
        parent: row.parent,
        position: [row.centroid_lon, row.centroid_lat],
        zoom: zoomToFit(row.dlng, row.dlat, row.centroid_lat),
      },
    }));
  }

  private devices(layer: 'cameras' | 'sensors', query: string, limit: number): Ranked[] {
    const code = query.toUpperCase();
    const id = /^\d{1,9}$/.test(query) ? Number(query) : -1;
    const rows = this.store
      .reader()
      .prepare(
        `SELECT id, code, kind, lon, lat, CASE WHEN code = ? OR id = ? THEN 0 ELSE 1 END AS rank
         FROM ${layer} WHERE id = ? OR (code >= ? AND code < ?)
         ORDER BY rank, code LIMIT ?`,
      )
      .all(code, id, id, code, `${code}\uffff`, limit + 1) as {
      id: number;
      code: string;
      kind: string;
      lon: number;
      lat: number;
      rank: number;
    }[];
    return rows.map((row) => ({
      // An exact device code beats a grid name that merely contains the digits.
      rank: row.rank === 0 ? 0 : 15,
      hit: {
        kind: layer,
        id: row.id,
        code: row.code,
        name: row.code,
        detail: row.kind,
        parent: null,
        position: [row.lon, row.lat],
        zoom: DEVICE_ZOOM,
      },
    }));
  }
}
