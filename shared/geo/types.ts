/** A position as [longitude, latitude] in degrees, GeoJSON order. */
export type LngLat = readonly [number, number];

/** A linear ring: first and last positions are equal, as in GeoJSON. */
export type Ring = readonly LngLat[];

/** A polygon: the outer ring first, then holes. */
export type PolygonRings = readonly Ring[];

/** [west, south, east, north] in degrees. */
export type BBox = readonly [number, number, number, number];
