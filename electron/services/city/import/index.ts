/** City-data import: one entry point, its error and its types (formats in README.md). */
export { importCityFile } from './import-city-file';
export { ImportError } from './import-error';
export {
  IMPORT_CRSES,
  IMPORT_KINDS,
  type ImportCrs,
  type ImportKind,
  type ImportOptions,
  type ImportProgress,
  type ImportSummary,
} from './import-types';
