import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../../shared/domain/channels';
import { categoriesFileSchema, flattenCategories } from '../../../../shared/domain/taxonomy';
import { wgs84ToBd09 } from '../../../../shared/geo/bd09';
import { wgs84ToGcj02 } from '../../../../shared/geo/gcj02';
import { makeInsideCity } from '../../../../shared/geo/point-in-city';
import type { LngLat, PolygonRings } from '../../../../shared/geo/types';
import {
  canonicalIntake,
  cleanIntakeText,
  idempotencyScope,
  INTAKE_CHANNELS,
  MAX_CLOCK_SKEW_S,
  MAX_INTAKE_BODY_BYTES,
  MAX_PHOTO_BYTES,
  MAX_PHOTOS,
  MAX_REPORT_AGE_S,
  MAX_TEXT_CHARS,
  parseIsoDatetime,
  validateIntake,
  type IntakeError,
  type IntakeOptions,
  type IntakeReport,
} from '../../../../shared/protocol/intake';

const resource = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../resources/${path}`, import.meta.url), 'utf8'));

/** The real outline, as the main process reads it. */
const outline = resource('city/zhengzhou-outline.geojson') as {
  crs: string;
  features: { geometry: { type: 'Polygon'; coordinates: PolygonRings } }[];
};
const insideCity = makeInsideCity([outline.features[0]!.geometry.coordinates]);
const leafCodes = new Set(
  flattenCategories(categoriesFileSchema.parse(resource('taxonomy/categories.json')).categories)
    .filter((row) => row.level === 3)
    .map((row) => row.code),
);

/** 2025-07-20T14:00:00+08:00. */
const NOW = Date.UTC(2025, 6, 20, 6) / 1000;
const options: IntakeOptions = { insideCity, now: NOW, categoryCodes: leafCodes };

/** Near the Erqi Tower, in WGS-84. */
const CENTRE: LngLat = [113.6653, 34.7536];

const jpeg = (bytes = 2048): string => {
  const data = Buffer.alloc(bytes, 0x11);
  data.set([0xff, 0xd8, 0xff, 0xe0]);
  return data.toString('base64');
};
const png = (): string =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)]).toString('base64');

const post = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  idempotencyKey: '12345-ZZ-20250720-000123',
  channel: 'hotline_12345',
  location: { lng: CENTRE[0], lat: CENTRE[1] },
  text: '二七区某小区门口井盖丢失，夜间有行人跌倒风险。',
  ...overrides,
});

function accept(input: unknown, with_: IntakeOptions = options): IntakeReport {
  const result = validateIntake(input, with_);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.errors)}`);
  return result.report;
}

function refuse(input: unknown, with_: IntakeOptions = options): IntakeError[] {
  const result = validateIntake(input, with_);
  if (result.ok) throw new Error('accepted');
  return result.errors;
}

const codesAt = (errors: IntakeError[]) => errors.map((error) => `${error.path} ${error.code}`);

describe('a valid report', () => {
  it('is normalised: WGS-84 point, channel id, time of receipt, empty photo list', () => {
    const report = accept(post());
    expect(report).toEqual({
      idempotencyKey: '12345-ZZ-20250720-000123',
      channel: 'hotline_12345',
      channelId: 1,
      receivedAt: NOW,
      location: { lng: CENTRE[0], lat: CENTRE[1] },
      postedLocation: { lng: CENTRE[0], lat: CENTRE[1], crs: 'WGS-84' },
      text: '二七区某小区门口井盖丢失，夜间有行人跌倒风险。',
      photos: [],
    });
  });

  it('keeps every optional field, and drops nulls (as Java senders write absent fields)', () => {
    const report = accept(
      post({
        channel: 'zhenghaopai',
        reportedAt: '2025-07-20T13:58:30+08:00',
        address: '  二七区 大学路 88 号 ',
        categoryCode: [...leafCodes][0],
        reporter: { name: '张三', phone: '138 0000 0000', email: null },
        photos: [{ mediaType: 'image/jpeg', data: jpeg() }, { url: 'https://zhp.example.cn/p/1.jpg?size=large' }],
        source: null,
      }),
    );
    expect(report.reportedAt).toBe(NOW - 90);
    expect(report.address).toBe('二七区 大学路 88 号');
    expect(report.reporter).toEqual({ name: '张三', phone: '138 0000 0000' });
    expect(report.photos).toEqual([
      { kind: 'inline', mediaType: 'image/jpeg', data: jpeg(), bytes: 2048 },
      { kind: 'url', url: 'https://zhp.example.cn/p/1.jpg?size=large' },
    ]);
    expect('source' in report).toBe(false);
  });

  it('uses the channel codes and ids of the channels table', () => {
    for (const channel of INTAKE_CHANNELS) {
      const spec = CHANNELS.find((candidate) => candidate.code === channel);
      expect(spec, channel).toBeDefined();
      const source =
        channel === 'iot_alarm' || channel === 'ai_video'
          ? { deviceId: 'DEV-0001' }
          : channel === 'grid_patrol'
            ? { workerId: 42 }
            : undefined;
      expect(accept(post({ channel, source })).channelId).toBe(spec!.id);
    }
  });

  it('takes IoT and AI video sources with their device, event and confidence', () => {
    const report = accept(
      post({
        channel: 'ai_video',
        text: 'CBD 如意湖环路违停',
        source: { deviceId: 'CAM-410105-0042', eventId: 'evt:7781', eventType: 'illegal_parking', confidence: 0.93 },
      }),
    );
    expect(report.source).toEqual({
      deviceId: 'CAM-410105-0042',
      eventId: 'evt:7781',
      eventType: 'illegal_parking',
      confidence: 0.93,
    });
  });
});

describe('the bad payloads of issue #7', () => {
  it('no location: refused as no-location, whether absent or null', () => {
    const { location: _location, ...withoutLocation } = post();
    expect(codesAt(refuse(withoutLocation))).toEqual(['location no-location']);
    expect(codesAt(refuse(post({ location: null })))).toEqual(['location no-location']);
  });

  it('a location outside the city (the real outline): refused as outside-city', () => {
    // Kaifeng, the next city east; a point inside Zhengzhou's bounding box but outside its outline; Beijing.
    for (const [lng, lat] of [
      [114.31, 34.8],
      [114.2, 34.3],
      [116.404, 39.915],
    ] as const) {
      expect(codesAt(refuse(post({ location: { lng, lat } }))), `${lng},${lat}`).toEqual(['location outside-city']);
    }
    // Inside: the centre and the airport.
    expect(accept(post({ location: { lng: 113.84, lat: 34.53 } })).location).toEqual({ lng: 113.84, lat: 34.53 });
  });

  it('exchanged longitude and latitude: refused with a hint', () => {
    const errors = refuse(post({ location: { lng: CENTRE[1], lat: CENTRE[0] } }));
    expect(codesAt(errors)).toEqual(['location.lat out-of-range', 'location swapped-coordinates']);
  });

  it('an oversized photo: refused as photo-too-large, without decoding it (or overflowing the stack)', () => {
    // One byte over (the same base64 length as the limit), and megabytes over.
    for (const bytes of [MAX_PHOTO_BYTES + 1, 3 * MAX_PHOTO_BYTES]) {
      const errors = refuse(post({ photos: [{ mediaType: 'image/jpeg', data: jpeg(bytes) }] }));
      expect(codesAt(errors)).toEqual(['photos[0].data photo-too-large']);
      expect(errors[0]!.zh).toContain('上限 5 MB');
    }
    // Exactly at the limit is fine.
    expect(
      accept(post({ photos: [{ mediaType: 'image/jpeg', data: jpeg(MAX_PHOTO_BYTES) }] })).photos[0],
    ).toMatchObject({ bytes: MAX_PHOTO_BYTES });
    // The server's body cap leaves room for six photos at the limit.
    expect(MAX_INTAKE_BODY_BYTES).toBeGreaterThan(MAX_PHOTOS * jpeg(MAX_PHOTO_BYTES).length);
  });

  it('photos that are not what they say, too many, or not base64: refused', () => {
    const html = Buffer.from('<html><script>alert(1)</script></html>').toString('base64');
    const errors = refuse(
      post({
        photos: [
          { mediaType: 'image/jpeg', data: png() },
          { mediaType: 'image/png', data: html },
          { mediaType: 'image/svg+xml', data: html },
          { mediaType: 'image/jpeg', data: 'not base64!' },
          { mediaType: 'image/jpeg', data: `data:image/jpeg;base64,${jpeg()}` },
          { data: jpeg() },
        ],
      }),
    );
    expect(codesAt(errors)).toEqual([
      'photos[0].data photo-content',
      'photos[1].data photo-content',
      'photos[2].mediaType unknown-value',
      'photos[3].data bad-base64',
      'photos[4].data bad-base64',
      'photos[5].mediaType required',
    ]);
    expect(errors[0]!.en).toContain('image/png');
    expect(codesAt(refuse(post({ photos: Array(MAX_PHOTOS + 1).fill({ url: 'https://a.cn/x.jpg' }) })))).toEqual([
      'photos too-many',
    ]);
    expect(
      codesAt(
        refuse(
          post({
            photos: [
              { url: 'https://user:secret@evil.example/x.jpg' },
              { url: 'javascript:alert(1)' },
              { url: 'https://a.cn/x.jpg', data: jpeg(), mediaType: 'image/jpeg' },
            ],
          }),
        ),
      ),
    ).toEqual(['photos[0].url bad-format', 'photos[1].url bad-format', 'photos[2] bad-format']);
  });

  it('wrong types: every field named at once, in both languages', () => {
    const errors = refuse({
      idempotencyKey: 12345678,
      channel: 7,
      location: { lng: '113.66', lat: 34.75 },
      text: ['井盖'],
      photos: {},
      reporter: 'someone',
      reportedAt: 1752991380,
    });
    expect(codesAt(errors)).toEqual([
      'idempotencyKey wrong-type',
      'channel unknown-value',
      'reportedAt wrong-type',
      'location.lng wrong-type',
      'text wrong-type',
      'reporter wrong-type',
      'photos wrong-type',
    ]);
    for (const error of errors) {
      expect(error.zh).toMatch(/\p{Script=Han}/u);
      expect(error.en).toMatch(/^[\x20-\x7e]+$/);
    }
    expect(errors.find((error) => error.path === 'text')).toMatchObject({
      zh: '类型错误：应为字符串',
      en: 'wrong type: expected a string',
    });
  });

  it('bodies that are not objects, and unknown fields: refused, never thrown', () => {
    for (const body of [null, undefined, 42, 'text', [], [post()], true]) {
      expect(codesAt(refuse(body))).toEqual([' not-an-object']);
    }
    const polluted = JSON.parse(`{"__proto__": {"admin": true}, "x": 1}`) as Record<string, unknown>;
    const errors = refuse({ ...post(), ...polluted, reporter: { name: '李四', idCard: '410105…' } });
    expect(codesAt(errors).sort()).toEqual([
      '__proto__ unknown-field',
      'reporter.idCard unknown-field',
      'x unknown-field',
    ]);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('text with markup: accepted and stored exactly as sent (React renders it as text)', () => {
    const markup = '<script>alert("xss")</script><img src=x onerror=alert(1)> &lt;b&gt; 路灯不亮';
    expect(accept(post({ text: markup, address: '<b>大学路</b>' }))).toMatchObject({
      text: markup,
      address: '<b>大学路</b>',
    });
  });

  it('text with SQL: accepted and stored exactly as sent (the store binds parameters)', () => {
    const sql = `'); DROP TABLE tickets; -- 路面塌陷 " OR 1=1; /*`;
    expect(accept(post({ text: sql, reporter: { name: "Robert'); DROP TABLE students;--" } }))).toMatchObject({
      text: sql,
      reporter: { name: "Robert'); DROP TABLE students;--" },
    });
  });
});

describe('text cleaning', () => {
  it('strips control characters and bidirectional overrides, keeps line breaks and tabs, NFC-normalises', () => {
    const report = accept(post({ text: '\u0000井盖\u0007丢失\r\n位置：\t大学路\u202e88\u202c号 cafe\u0301\ufeff ' }));
    expect(report.text).toBe('井盖丢失\n位置：\t大学路88号 café');
  });

  it('repairs unpaired surrogates and keeps emoji whole', () => {
    expect(cleanIntakeText('a\ud800b😀', { multiline: true })).toBe('a\ufffdb😀');
  });

  it('single-line fields fold line breaks into spaces', () => {
    expect(accept(post({ address: '大学路\n88号\r\n3单元' })).address).toBe('大学路 88号 3单元');
  });

  it('counts characters, not UTF-16 units: 4,000 emoji fit, 4,001 characters do not', () => {
    expect(accept(post({ text: '😀'.repeat(MAX_TEXT_CHARS) })).text).toHaveLength(MAX_TEXT_CHARS * 2);
    expect(codesAt(refuse(post({ text: '井'.repeat(MAX_TEXT_CHARS + 1) })))).toEqual(['text too-long']);
    expect(codesAt(refuse(post({ text: 'x'.repeat(10 * MAX_TEXT_CHARS) })))).toEqual(['text too-long']);
  });

  it('text that is empty once cleaned is refused; blank optional fields are dropped', () => {
    expect(codesAt(refuse(post({ text: ' \u0000\u0001\u202e\n ' })))).toEqual(['text empty']);
    const report = accept(post({ address: '  ', reporter: { name: '\u0000' } }));
    expect('address' in report).toBe(false);
    expect('reporter' in report).toBe(false);
  });
});

describe('idempotency keys', () => {
  it('are required', () => {
    const { idempotencyKey: _key, ...withoutKey } = post();
    expect(codesAt(refuse(withoutKey))).toEqual(['idempotencyKey required']);
  });

  it('are 8–128 visible ASCII characters', () => {
    for (const key of ['f47ac10b-58cc-4372-a567-0e02b2c3d479', '01J3ZK8Q9V', '110:ZZ/2025/07/20#17', 'x'.repeat(128)]) {
      expect(accept(post({ idempotencyKey: key })).idempotencyKey).toBe(key);
    }
    for (const key of ['short', 'x'.repeat(129), 'has space 123', '工单编号20250720', 'tab\there12', '']) {
      const errors = refuse(post({ idempotencyKey: key }));
      expect(codesAt(errors), key).toEqual(['idempotencyKey bad-format']);
      expect(errors[0]!.zh).toContain('8–128');
    }
  });

  it('are unique per channel', () => {
    const hotline = accept(post());
    const patrol = accept(post({ channel: 'grid_patrol', source: { workerId: 7 } }));
    expect(idempotencyScope(hotline)).not.toBe(idempotencyScope(patrol));
  });

  it('a retry is the same report: equal canonical texts, whatever the time of receipt and key order', () => {
    const first = accept(post({ photos: [{ url: 'https://a.cn/1.jpg' }] }));
    const reordered = Object.fromEntries(Object.entries(post({ photos: [{ url: 'https://a.cn/1.jpg' }] })).reverse());
    const retry = accept(reordered, { ...options, now: NOW + 30 });
    expect(canonicalIntake(retry)).toBe(canonicalIntake(first));
    const different = accept(post({ text: '另一件事' }));
    expect(canonicalIntake(different)).not.toBe(canonicalIntake(first));
  });
});

describe('coordinate systems', () => {
  const metresBetween = (a: { lng: number; lat: number }, b: LngLat): number => {
    const lat = (((a.lat + b[1]) / 2) * Math.PI) / 180;
    return Math.hypot(
      ((b[0] - a.lng) * Math.PI * 6378137 * Math.cos(lat)) / 180,
      ((b[1] - a.lat) * Math.PI * 6378137) / 180,
    );
  };

  it('GCJ-02 (AMap, WeChat) is converted to WGS-84 within a millimetre', () => {
    const [lng, lat] = wgs84ToGcj02(CENTRE);
    const report = accept(post({ location: { lng, lat, crs: 'GCJ-02' } }));
    expect(metresBetween(report.location, CENTRE)).toBeLessThan(0.001);
    expect(report.postedLocation).toEqual({ lng, lat, crs: 'GCJ-02' });
  });

  it('BD-09 (Baidu) is converted to WGS-84 within a millimetre', () => {
    const [lng, lat] = wgs84ToBd09(CENTRE);
    expect(metresBetween({ lng, lat }, CENTRE)).toBeGreaterThan(500);
    const report = accept(post({ location: { lng, lat, crs: 'BD-09' } }));
    expect(metresBetween(report.location, CENTRE)).toBeLessThan(0.001);
  });

  it('WGS-84 (the default) and CGCS2000 are taken as they are; other systems are refused', () => {
    expect(accept(post({ location: { lng: CENTRE[0], lat: CENTRE[1], crs: 'CGCS2000' } })).location).toEqual({
      lng: CENTRE[0],
      lat: CENTRE[1],
    });
    expect(codesAt(refuse(post({ location: { lng: CENTRE[0], lat: CENTRE[1], crs: 'EPSG:3857' } })))).toEqual([
      'location.crs unknown-value',
    ]);
  });

  it('the city test applies to the converted point', () => {
    // The centre posted in BD-09 but labelled WGS-84 lands about a kilometre off, still in the city; Beijing in
    // GCJ-02 converts to Beijing, outside it.
    expect(codesAt(refuse(post({ location: { lng: 116.41, lat: 39.916, crs: 'GCJ-02' } })))).toEqual([
      'location outside-city',
    ]);
  });
});

describe('the report time', () => {
  it('is parsed with its zone, calendar-checked', () => {
    expect(parseIsoDatetime('2025-07-20T14:00:00+08:00')).toBe(NOW);
    expect(parseIsoDatetime('2025-07-20T06:00Z')).toBe(NOW);
    expect(parseIsoDatetime('2025-07-20T06:00:00.250Z')).toBe(NOW);
    for (const bad of ['2025-07-20 14:00:00', '2025-07-20T14:00:00', '2025-02-30T00:00:00Z', '2025-07-20T24:00Z']) {
      expect(parseIsoDatetime(bad), bad).toBeUndefined();
      expect(codesAt(refuse(post({ reportedAt: bad }))), bad).toEqual(['reportedAt bad-format']);
    }
  });

  it('may lie a little in the future and up to thirty days back, no further', () => {
    const at = (seconds: number) => new Date(seconds * 1000).toISOString();
    expect(accept(post({ reportedAt: at(NOW + MAX_CLOCK_SKEW_S) })).reportedAt).toBe(NOW + MAX_CLOCK_SKEW_S);
    expect(accept(post({ reportedAt: at(NOW - MAX_REPORT_AGE_S) })).reportedAt).toBe(NOW - MAX_REPORT_AGE_S);
    expect(codesAt(refuse(post({ reportedAt: at(NOW + MAX_CLOCK_SKEW_S + 1) })))).toEqual([
      'reportedAt reported-in-future',
    ]);
    expect(codesAt(refuse(post({ reportedAt: at(NOW - MAX_REPORT_AGE_S - 1) })))).toEqual([
      'reportedAt reported-too-long-ago',
    ]);
  });
});

describe('categories, sources and the whole list of problems', () => {
  it('a category must be a known leaf when the taxonomy is given', () => {
    expect(codesAt(refuse(post({ categoryCode: '999999' })))).toEqual(['categoryCode unknown-category']);
    expect(codesAt(refuse(post({ categoryCode: '0101' })))).toEqual(['categoryCode bad-format']);
    expect(accept(post({ categoryCode: '999999' }), { insideCity, now: NOW }).categoryCode).toBe('999999');
  });

  it('devices and patrols say who they are; other channels carry no source fields', () => {
    expect(codesAt(refuse(post({ channel: 'iot_alarm' })))).toEqual(['source.deviceId required']);
    expect(codesAt(refuse(post({ channel: 'grid_patrol' })))).toEqual(['source.workerId required']);
    expect(codesAt(refuse(post({ channel: 'iot_alarm', source: { deviceId: 'GAS-1', confidence: 0.5 } })))).toEqual([
      'source.confidence not-allowed',
    ]);
    expect(codesAt(refuse(post({ source: { deviceId: 'GAS-1' } })))).toEqual(['source.deviceId not-allowed']);
    expect(codesAt(refuse(post({ channel: 'ai_video', source: { deviceId: 'CAM 1', confidence: 1.5 } })))).toEqual([
      'source.deviceId bad-format',
      'source.confidence out-of-range',
    ]);
  });

  it('reports every problem of a post at once, including the checks against the city and the clock', () => {
    const errors = refuse(
      post({
        idempotencyKey: 'bad key',
        location: { lng: 114.31, lat: 34.8 },
        reportedAt: new Date((NOW + 86_400) * 1000).toISOString(),
        photos: [{ mediaType: 'image/jpeg', data: jpeg(MAX_PHOTO_BYTES + 10) }],
      }),
    );
    expect(codesAt(errors).sort()).toEqual(
      [
        'idempotencyKey bad-format',
        'location outside-city',
        'photos[0].data photo-too-large',
        'reportedAt reported-in-future',
      ].sort(),
    );
  });
});
