/**
 * A streaming RFC 4180 CSV parser: chunks of text in, records out, nothing kept but the record being read, so a file
 * of any size parses in flat memory. Quoted fields may hold commas, doubled quotes and line breaks; lines end in
 * LF or CRLF; empty lines are skipped. A record's row is the line it starts on (the header is row 1), which is the
 * row a spreadsheet or an editor shows for it.
 */
import { ImportError } from './import-error';

/** One record: its fields and the line it starts on. */
export type CsvRecordHandler = (fields: string[], row: number) => void;

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** Parser states. */
const State = {
  FieldStart: 0,
  Unquoted: 1,
  Quoted: 2,
  /** A quote inside a quoted field: either the closing quote or the first of a doubled one. */
  QuoteInQuoted: 3,
} as const;
type State = (typeof State)[keyof typeof State];

export class CsvParser {
  private state: State = State.FieldStart;
  private fields: string[] = [];
  private field = '';
  private line = 1;
  private recordRow = 1;
  /** A CR ended the last record: a following LF belongs to it (CRLF split across chunks). */
  private afterCr = false;
  private started = false;

  constructor(private readonly file: string) {}

  /** Parses a chunk, calling `emit` for every record it completes. */
  push(chunk: string, emit: CsvRecordHandler): void {
    let start = 0;
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) start = 1;
    }
    let segment = start;
    for (let i = start; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.afterCr) {
        this.afterCr = false;
        if (c === LF) {
          segment = i + 1;
          continue;
        }
      }
      switch (this.state) {
        case State.FieldStart:
          if (c === QUOTE) {
            this.startRecordIfNeeded();
            this.state = State.Quoted;
            segment = i + 1;
          } else if (c === COMMA) {
            this.startRecordIfNeeded();
            this.fields.push('');
            segment = i + 1;
          } else if (c === LF || c === CR) {
            // A record that ended in a comma has one more, empty, field; an empty line has none and is skipped.
            if (this.fields.length > 0) this.fields.push('');
            this.endRecord(emit);
            this.newLine(c);
            segment = i + 1;
          } else {
            this.startRecordIfNeeded();
            this.state = State.Unquoted;
            segment = i;
          }
          break;
        case State.Unquoted:
          if (c === COMMA) {
            this.fields.push(this.field + chunk.slice(segment, i));
            this.field = '';
            this.state = State.FieldStart;
            segment = i + 1;
          } else if (c === LF || c === CR) {
            this.fields.push(this.field + chunk.slice(segment, i));
            this.field = '';
            this.state = State.FieldStart;
            this.endRecord(emit);
            this.newLine(c);
            segment = i + 1;
          } else if (c === QUOTE) {
            this.fail('malformed CSV: a quote inside an unquoted field (quote the whole field and double the quote)');
          }
          break;
        case State.Quoted:
          if (c === QUOTE) {
            this.field += chunk.slice(segment, i);
            this.state = State.QuoteInQuoted;
            segment = i + 1;
          } else if (c === LF) {
            // Line breaks inside a quoted field still move the line count on, for the rows of later records.
            this.line++;
          }
          break;
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            this.field += '"';
            this.state = State.Quoted;
            segment = i + 1;
          } else if (c === COMMA) {
            this.fields.push(this.field);
            this.field = '';
            this.state = State.FieldStart;
            segment = i + 1;
          } else if (c === LF || c === CR) {
            this.fields.push(this.field);
            this.field = '';
            this.state = State.FieldStart;
            this.endRecord(emit);
            this.newLine(c);
            segment = i + 1;
          } else {
            this.fail('malformed CSV: text after a closing quote (a field is either quoted whole or not at all)');
          }
          break;
      }
    }
    if (this.state === State.Unquoted || this.state === State.Quoted) this.field += chunk.slice(segment);
  }

  /** Ends the input: completes the last record, or refuses a quoted field that never closed. */
  end(emit: CsvRecordHandler): void {
    if (this.state === State.Quoted) {
      this.fail('malformed CSV: a quoted field is never closed (a missing closing quote)');
    }
    if (this.state === State.Unquoted || this.state === State.QuoteInQuoted) {
      this.fields.push(this.field);
      this.field = '';
    } else if (this.fields.length > 0) {
      this.fields.push('');
    }
    this.state = State.FieldStart;
    this.endRecord(emit);
  }

  private startRecordIfNeeded(): void {
    if (this.fields.length === 0) this.recordRow = this.line;
  }

  private endRecord(emit: CsvRecordHandler): void {
    if (this.fields.length === 0) return;
    const fields = this.fields;
    this.fields = [];
    emit(fields, this.recordRow);
  }

  private newLine(c: number): void {
    this.line++;
    if (c === CR) this.afterCr = true;
  }

  private fail(reason: string): never {
    throw new ImportError(this.file, `row ${this.recordRow}`, reason);
  }
}
