/**
 * The streaming CSV import shared by workers, cameras, sensors and tickets: the file is read in 1 MiB chunks and each
 * chunk's rows are checked and inserted at once, so memory stays flat for a file of any size.
 *
 * The rows go first into a staging database of their own (a file beside the store), which reads the store's grids and
 * codes through ATTACH; only when the whole file has passed are they copied into the store, in one synchronous
 * transaction. The store's writer connection is never left inside a transaction across an await: the console keeps
 * writing while a large file is read (a broadcast sent, an escalation arriving), and a file refused on its last row
 * takes none of those writes with it.
 */
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
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
  /** The table the rows go to. */
  table: 'workers' | 'cameras' | 'sensors' | 'tickets';
  /** Whether rows carry a `code` that must stay unique, within the file and against the store. */
  uniqueCode: boolean;
  /**
   * Prepares statements and lookups and returns the per-row check-and-insert. `db` is the staging database: `table`
   * there is the staging copy, every other table name reads the store.
   */
  prepare(db: Database.Database, context: CsvContext): (row: CsvRow) => void;
}

export async function importCsv(
  store: Store,
  file: string,
  kind: CsvKind,
  context: Omit<CsvContext, 'grids'>,
  onProgress: ((progress: ImportProgress) => void) | undefined,
): Promise<{ rows: number }> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new ImportError(file, 'file', `cannot read the file: ${(error as Error).message}`);
  }

  const parser = new CsvParser(file);
  let stream: ReturnType<typeof createReadStream> | undefined;
  // An object, not `let`s: the record callback assigns these, and TypeScript keeps narrowing captured `let`s.
  const state: { header: CsvHeader | null; rows: number } = { header: null, rows: 0 };
  const rowOfCode = new Map<string, number>();

  const stagingFile = `${store.file}.import-${randomBytes(6).toString('hex')}`;
  const staging = new Database(stagingFile);
  try {
    // A scratch file: nothing in it must survive a crash, so no journal and no syncing.
    staging.pragma('journal_mode = OFF');
    staging.pragma('synchronous = OFF');
    // The staged table's foreign keys point at the store's tables, which live in another schema here: the rows' grids
    // are checked by the lookups, and the store checks every key again when the rows are copied in.
    staging.pragma('foreign_keys = OFF');
    staging.prepare('ATTACH DATABASE ? AS store').run(store.file);
    const ddl = staging
      .prepare("SELECT sql FROM store.sqlite_master WHERE type = 'table' AND name = ?")
      .pluck()
      .get(kind.table) as string;
    staging.exec(ddl);
    staging.exec('BEGIN');
    const handle = kind.prepare(staging, { ...context, grids: new GridLookup(staging) });
    const codeInStore = kind.uniqueCode
      ? staging.prepare(`SELECT 1 FROM store.${kind.table} WHERE code = ?`).pluck()
      : null;

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
    staging.exec('COMMIT');
    staging.close();
    copyIntoStore(store, stagingFile, kind.table);
  } catch (error) {
    stream?.destroy();
    if (error instanceof ImportError) throw error;
    throw new ImportError(file, 'file', (error as Error).message);
  } finally {
    if (staging.open) staging.close();
    await rm(stagingFile, { force: true });
  }
  return { rows: state.rows };
}

/** The staged rows into the store, with the store's own ids, in one synchronous transaction. */
function copyIntoStore(store: Store, stagingFile: string, table: CsvKind['table']): void {
  const db = store.writer;
  const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; pk: number }[])
    .filter((column) => column.pk === 0)
    .map((column) => column.name)
    .join(', ');
  db.prepare('ATTACH DATABASE ? AS staging').run(stagingFile);
  try {
    db.transaction(() => {
      db.exec(`INSERT INTO main.${table} (${columns}) SELECT ${columns} FROM staging.${table} ORDER BY rowid`);
    })();
  } finally {
    db.exec('DETACH DATABASE staging');
  }
}
