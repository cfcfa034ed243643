import { describe, expect, it } from 'vitest';
import { beijingDateTime, receiptsOf, timelineCsv } from '../../../../../renderer/panels/modes/emergency-timeline';
import type { BroadcastStatus, EmergencyTimeline } from '../../../../../shared/contract';

type Entry = EmergencyTimeline['entries'][number];

/** 2024-07-20 08:30:00 UTC: 16:30 in Beijing. */
const AT = Date.UTC(2024, 6, 20, 8, 30, 0) / 1000;
/** 2024-07-20 20:00:05 UTC: already the 21st in Beijing. */
const LATE = Date.UTC(2024, 6, 20, 20, 0, 5) / 1000;

const emergency: EmergencyTimeline['emergency'] = {
  id: 'e-00000000-0000-4000-8000-000000000001',
  key: 'rainstorm_flood:counties:410102,410103',
  eventType: 'rainstorm_flood',
  scope: { kind: 'counties', codes: ['410102', '410103'] },
  scopeLabel: { zh: '中原区、二七区', en: 'Zhongyuan, Erqi' },
  level: 'III',
  profile: { id: 'rainstorm-flood', version: 1 },
  layers: { show: ['sensors'], hide: [] },
  startedAt: AT,
  updatedAt: AT,
  endedAt: null,
  startedBy: { username: 'chief', displayName: '王指挥' },
  console: 'console-a',
  sensors: 12,
};

const entry = (over: Partial<Entry>): Entry => ({
  at: AT,
  kind: 'activate',
  seq: 7,
  summary: { zh: '启动', en: 'Activated' },
  details: {},
  ...over,
});

/** RFC 4180 reading: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

describe('beijingDateTime', () => {
  it('writes epoch seconds in Beijing time (UTC+8), across the date line', () => {
    expect(beijingDateTime(AT)).toBe('2024-07-20 16:30:00');
    expect(beijingDateTime(LATE)).toBe('2024-07-21 04:00:05');
    expect(beijingDateTime(0)).toBe('1970-01-01 08:00:00');
  });
});

describe('timelineCsv', () => {
  const timeline: EmergencyTimeline = {
    emergency,
    entries: [
      entry({}),
      entry({
        at: LATE,
        kind: 'broadcast',
        seq: null,
        summary: { zh: '通知："请立即到岗"，中原区、二七区\n第二行', en: 'Notice, "report now"' },
        details: { broadcast: 'b-1', workers: 42 },
      }),
    ],
  };
  const csv = timelineCsv(timeline);

  it('starts with a byte-order mark and the header, and ends every row with CRLF', () => {
    expect(csv.startsWith('\uFEFFtime_beijing,at_s,kind,seq,summary_zh,summary_en,details\r\n')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('gives one row per entry, in Beijing time, reading back exactly the Chinese text with its commas, quotes and line break', () => {
    const rows = parseCsv(csv.slice(1));
    expect(rows).toHaveLength(3);
    expect(rows[1]).toEqual(['2024-07-20 16:30:00', String(AT), 'activate', '7', '启动', 'Activated', '{}']);
    expect(rows[2]).toEqual([
      '2024-07-21 04:00:05',
      String(LATE),
      'broadcast',
      '',
      '通知："请立即到岗"，中原区、二七区\n第二行',
      'Notice, "report now"',
      '{"broadcast":"b-1","workers":42}',
    ]);
  });

  it('quotes a field for a line break alone, and leaves a Chinese comma unquoted', () => {
    const single = timelineCsv({
      emergency,
      entries: [entry({ summary: { zh: '中原区，二七区', en: 'first line\nsecond line' } })],
    });
    expect(single).toContain(',中原区，二七区,"first line\nsecond line",');
    expect(parseCsv(single.slice(1))[1]?.[5]).toBe('first line\nsecond line');
  });

  it('quotes only the fields that need it, doubling the quotes inside', () => {
    expect(csv).toContain(',"通知：""请立即到岗""，中原区、二七区\n第二行","Notice, ""report now""",');
    expect(csv).toContain(',"{""broadcast"":""b-1"",""workers"":42}"\r\n');
    expect(csv).toContain(',activate,7,启动,Activated,{}\r\n');
  });
});

describe('receiptsOf', () => {
  const status = { id: 'b-1', targeted: 42, delivered: 40, read: 31 } as BroadcastStatus;
  const other = { id: 'b-2', targeted: 5, delivered: 5, read: 5 } as BroadcastStatus;

  it('finds the receipts of the broadcast a broadcast entry names', () => {
    const found = receiptsOf(entry({ kind: 'broadcast', details: { broadcast: 'b-1' } }), [other, status]);
    expect(found).toEqual({ id: 'b-1', status });
  });

  it('says none were heard yet for a broadcast the state does not hold', () => {
    expect(receiptsOf(entry({ kind: 'broadcast', details: { broadcast: 'b-9' } }), [other])).toEqual({
      id: 'b-9',
      status: undefined,
    });
  });

  it('is null for other entries, and for a failed broadcast', () => {
    expect(receiptsOf(entry({ kind: 'activate', details: { broadcast: 'b-1' } }), [status])).toBeNull();
    expect(receiptsOf(entry({ kind: 'broadcast-failed', details: { failed: 'hub down' } }), [status])).toBeNull();
  });
});
