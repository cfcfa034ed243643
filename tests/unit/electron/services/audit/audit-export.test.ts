import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AUDIT_EXPORT_FIELDS,
  AuditError,
  csvCell,
  type AuditExportFormat,
} from '../../../../../electron/services/audit';
import { START, auditFixture, fill, type AuditFixture } from './audit-fixtures';

/** Collects what is written, slowly: a tiny buffer and a callback one tick later, so the export must wait to drain. */
class SlowSink extends Writable {
  chunks: string[] = [];
  drains = 0;
  constructor() {
    super({ highWaterMark: 64, decodeStrings: false });
    this.on('drain', () => (this.drains += 1));
  }
  override _write(chunk: string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    setImmediate(callback);
  }
  get text(): string {
    return this.chunks.join('');
  }
}

/** An RFC 4180 reader, to check that what the export writes reads back to the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

async function exported(fixture: AuditFixture, format: AuditExportFormat, filter = {}): Promise<[number, string]> {
  const sink = new SlowSink();
  const count = await fixture.log.export(filter, format, sink);
  return [count, sink.text];
}

describe('csvCell', () => {
  it.each([
    { value: 'plain', cell: 'plain' },
    { value: '郑州市 金水区', cell: '郑州市 金水区' },
    { value: 'a,b', cell: '"a,b"' },
    { value: 'say "hi"', cell: '"say ""hi"""' },
    { value: 'two\nlines', cell: '"two\nlines"' },
    { value: '=HYPERLINK("http://x")', cell: `"'=HYPERLINK(""http://x"")"` },
    { value: '+1', cell: "'+1" },
    { value: '-2+3', cell: "'-2+3" },
    { value: '@SUM(A1)', cell: "'@SUM(A1)" },
    { value: '\tcmd', cell: "'\tcmd" },
    { value: '\rcmd', cell: `"'\rcmd"` },
    { value: 'a=b', cell: 'a=b' },
    { value: '', cell: '' },
    { value: null, cell: '' },
    { value: 1767225600000, cell: '1767225600000' },
  ])('writes $value as $cell', ({ value, cell }) => {
    expect(csvCell(value)).toBe(cell);
  });
});

describe('AuditLog.export', () => {
  let fixture: AuditFixture;
  beforeEach(() => {
    fixture = auditFixture();
  });
  afterEach(() => fixture.close());

  it('writes CSV with a BOM and a header, oldest first, every field readable back, formulas defused', async () => {
    fill(fixture, 3);
    fixture.log.record({
      actor: '=cmd|" /C calc"!A0',
      action: 'broadcast.send',
      scope: '+city,\n"quoted"',
      result: 'refused',
      reason: '@once; -twice',
    });
    const [count, text] = await exported(fixture, 'csv');
    expect(count).toBe(4);
    expect(text.startsWith('\uFEFFid,at,time,actor,')).toBe(true);
    const rows = parseCsv(text.slice(1));
    expect(rows[0]).toEqual([...AUDIT_EXPORT_FIELDS]);
    expect(rows.slice(1).map((row) => row[0])).toEqual(['1', '2', '3', '4']);
    const entries = fixture.log.query({ limit: 10 }).entries.reverse();
    rows.slice(1).forEach((row, i) => {
      const entry = entries[i]!;
      expect(row).toHaveLength(AUDIT_EXPORT_FIELDS.length);
      expect(row[1]).toBe(String(entry.at));
      expect(row[2]).toBe(new Date(entry.at).toISOString());
      expect(row.slice(8)).toEqual([entry.payloadHash, entry.prevHash, entry.entryHash, entry.signature]);
    });
    expect(rows[4]!.slice(3, 8)).toEqual([
      `'=cmd|" /C calc"!A0`,
      'broadcast.send',
      `'+city,\n"quoted"`,
      'refused',
      `'@once; -twice`,
    ]);
    expect(rows[1]![7]).toBe('');
  });

  it('writes JSON Lines: one object per line with the same fields, the text as recorded', async () => {
    fill(fixture, 5);
    fixture.log.record({ actor: '=SUM(1)', action: 'a', scope: '城市', result: 'failed', reason: 'line\nbreak' });
    const [count, text] = await exported(fixture, 'json');
    expect(count).toBe(6);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    const objects = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(objects.map((object) => Object.keys(object))).toEqual(objects.map(() => [...AUDIT_EXPORT_FIELDS]));
    expect(objects[0]).toMatchObject({ id: 1, at: START, time: new Date(START).toISOString(), reason: null });
    expect(objects[5]).toMatchObject({ actor: '=SUM(1)', scope: '城市', result: 'failed', reason: 'line\nbreak' });
  });

  it('exports only what the filter matches', async () => {
    fill(fixture, 40);
    const [count, text] = await exported(fixture, 'json', { result: 'refused', from: START + 10_000 });
    const ids = text
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { id: number }).id);
    expect(ids).toEqual([15, 20, 25, 30, 35, 40]);
    expect(count).toBe(6);
  });

  it('streams page by page, waiting for a slow reader to drain', async () => {
    fill(fixture, 5000);
    const sink = new SlowSink();
    const count = await fixture.log.export({}, 'csv', sink);
    expect(count).toBe(5000);
    expect(sink.drains).toBeGreaterThan(1);
    expect(sink.chunks.length).toBeGreaterThan(2);
    const rows = parseCsv(sink.text.slice(1));
    expect(rows).toHaveLength(5001);
    expect(rows[5000]![0]).toBe('5000');
  });

  it('writes only the header for an empty log, and nothing in JSON', async () => {
    await expect(exported(fixture, 'csv')).resolves.toEqual([0, `\uFEFF${AUDIT_EXPORT_FIELDS.join(',')}\r\n`]);
    await expect(exported(fixture, 'json')).resolves.toEqual([0, '']);
  });

  it('fails clearly when the stream is closed before the export ends', async () => {
    fill(fixture, 3000);
    const sink = new PassThrough({ highWaterMark: 16 });
    const exporting = fixture.log.export({}, 'csv', sink);
    // Nobody reads the stream: the export waits for a drain that never comes, then sees the stream go.
    setTimeout(() => sink.destroy(), 50);
    await expect(exporting).rejects.toThrow(/closed before the export ended/);
  });

  it('refuses an unknown format and an invalid filter', async () => {
    await expect(fixture.log.export({}, 'xml' as AuditExportFormat, new PassThrough())).rejects.toThrow(AuditError);
    await expect(fixture.log.export({ from: 2, to: 1 }, 'csv', new PassThrough())).rejects.toThrow(
      /from must not be after to/,
    );
  });
});
