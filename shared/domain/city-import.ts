/** What a deployment can import into the city store, and the datums its files may declare. */
export const IMPORT_KINDS = ['grids', 'workers', 'cameras', 'sensors', 'tickets'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** CGCS2000 equals WGS-84 at map precision (centimetres); GCJ-02 is converted. */
export const IMPORT_CRSES = ['WGS-84', 'CGCS2000', 'GCJ-02'] as const;
export type ImportCrs = (typeof IMPORT_CRSES)[number];
