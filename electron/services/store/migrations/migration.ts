/** One schema version: a numbered file under migrations/, applied once, in order, inside a transaction. */
export interface Migration {
  version: number;
  name: string;
  /** Plain SQL; its SHA-256 is recorded when applied, so an edited migration is caught. */
  sql: string;
}
