/**
 * The streaming CSV import shared by workers, cameras, sensors and tickets: the file is read in 1 MiB chunks, each
 * chunk's rows are checked and inserted at once, and all of it runs in ONE transaction, so memory stays flat for a
 * file of any size and an error on the last row still leaves the store as it was.
 *
 * The transaction stays open across the awaits between chunks, on the store's one writer connection: other writes
 * made on that connection meanwhile would join it (and be rolled back with it on an error). The console runs an
 * import as an exclusive operation; an import refuses to start inside someone else's transaction.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Database } from 'better-sqlite3';
import type { Store } from '../../store/store';
import { CsvHeader, CsvRow, type CsvColumns } from './csv-fields';
import { CsvParser } from './csv-parser';
import type { ToWgs84 } from './datum';
import { ImportError, ImportProblem } from './import-error';
import type { ImportProgress } from './import-types';
import type { PolygonIndex } from './polygon-index';
import { GridLookup } from './store-lookups';

const CHUNK_BYTES = 1 << 20;

export interface CsvContext {
  toWgs84: ToWgs84;
  city: PolygonIndex;
  grids: GridLookup;
  locate: ((lng: number, lat: number) => number) | undefined;
}

/** One CSV kind: its columns and how a row is checked and written. */
export interface CsvKind {
  columns: CsvColumns;
  /** The table whose `code` must stay unique, within the file and against the store; null when rows have no code. */
  codeTable: 'workers' | 'cameras' | 'sensors' | null;
  /** Prepares statements and lookups (inside the transaction) and returns the per-row check-and-insert. */
  prepare(db: Database, context: CsvContext): (row: CsvRow) => void;
}

export async function importCsv(
  store: Store,
  file: string,
  kind: CsvKind,
  context: Omit<CsvContext, 'grids'>,
  onProgress: ((progress: ImportProgress) => void) | undefined,
): Promise<{ rows: number }> {
  const db = store.writer;
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new ImportError(file, 'file', `cannot read the file: ${(error as Error).message}`);
  }
  if (db.inTransaction) {
    throw new ImportError(file, 'file', 'the store is in the middle of another write; try again when it is done');
  }

  const parser = new CsvParser(file);
  let stream: ReturnType<typeof createReadStream> | undefined;
  // An object, not `let`s: the record callback assigns these, and TypeScript keeps narrowing captured `let`s.
  const state: { header: CsvHeader | null; rows: number } = { header: null, rows: 0 };
  const rowOfCode = new Map<string, number>();

  try {
    db.exec('BEGIN IMMEDIATE');
    const handle = kind.prepare(db, { ...context, grids: new GridLookup(db) });
    const codeInStore = kind.codeTable ? db.prepare(`SELECT 1 FROM ${kind.codeTable} WHERE code = ?`).pluck() : null;

    const onRecord = (fields: string[], row: number): void => {
      try {
        if (!state.header) {
          state.header = new CsvHeader(fields, kind.columns);
          return;
        }
        const csvRow = new CsvRow(state.header, fields);
        if (codeInStore) {
          const code = csvRow.required('code');
          const earlier = rowOfCode.get(code);
          if (earlier !== undefined) throw new ImportProblem(`duplicate code ${code} (also row ${earlier})`);
          // This import's own rows are all in rowOfCode, so a hit in the store is a row from before the import.
          if (codeInStore.get(code) !== undefined) {
            throw new ImportProblem(`duplicate code ${code} (already in the store)`);
          }
          rowOfCode.set(code, row);
        }
        handle(csvRow);
        state.rows++;
      } catch (error) {
        const location = state.header ? `row ${row}` : 'header';
        if (error instanceof ImportProblem) throw new ImportError(file, location, error.message);
        if (error instanceof ImportError) throw error;
        throw new ImportError(file, location, `the store refused the row: ${(error as Error).message}`);
      }
    };

    const input = createReadStream(file, { encoding: 'utf8', highWaterMark: CHUNK_BYTES });
    stream = input;
    for await (const chunk of input as AsyncIterable<string>) {
      parser.push(chunk, onRecord);
      onProgress?.({ phase: 'reading', done: input.bytesRead, total: size });
    }
    parser.end(onRecord);
    if (!state.header) throw new ImportError(file, 'file', 'the file is empty: a header row is needed');
    db.exec('COMMIT');
  } catch (error) {
    stream?.destroy();
    if (db.inTransaction) db.exec('ROLLBACK');
    if (error instanceof ImportError) throw error;
    throw new ImportError(file, 'file', (error as Error).message);
  }
  return { rows: state.rows };
}
