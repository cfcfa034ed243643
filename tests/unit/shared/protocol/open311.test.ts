import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TICKET_STATUSES } from '../../../../shared/domain/channels';
import { categoriesFileSchema, flattenCategories } from '../../../../shared/domain/taxonomy';
import { makeInsideCity } from '../../../../shared/geo/point-in-city';
import type { PolygonRings } from '../../../../shared/geo/types';
import { canonicalIntake, validateIntake } from '../../../../shared/protocol/intake';
import {
  IDEMPOTENCY_KEY_HEADER,
  open311Datetime,
  open311Error,
  open311PostResponse,
  open311Request,
  open311Services,
  open311Status,
  validateOpen311Post,
  type Open311PostOptions,
  type Open311TicketView,
} from '../../../../shared/protocol/open311';

const resource = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../resources/${path}`, import.meta.url), 'utf8'));

const outline = resource('city/zhengzhou-outline.geojson') as {
  features: { geometry: { coordinates: PolygonRings } }[];
};
const insideCity = makeInsideCity([outline.features[0]!.geometry.coordinates]);
const categories = flattenCategories(categoriesFileSchema.parse(resource('taxonomy/categories.json')).categories);
const leaves = categories.filter((row) => row.level === 3);

/** 2025-07-20T14:00:00+08:00. */
const NOW = Date.UTC(2025, 6, 20, 6) / 1000;
const KEY = 'c1a7e0f2-5b8e-4d7a-9f61-3e2b8a0d4c55';
const options: Open311PostOptions = { idempotencyKey: KEY, categories, insideCity, now: NOW };

/** 井盖 (manhole cover) or the first leaf. */
const service = leaves.find((row) => row.keywords?.some((keyword) => keyword.includes('井盖'))) ?? leaves[0]!;

/** A POST as a form-encoded GeoReport client sends it: every value a string. */
const formPost = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  api_key: 'zhp-client-key',
  jurisdiction_id: 'zhengzhou.gov.cn',
  service_code: service.code,
  lat: '34.7536',
  long: '113.6653',
  address_string: '二七区大学路88号',
  description: '井盖丢失，请尽快处理',
  media_url: 'https://zhp.example.cn/media/1.jpg',
  email: 'citizen@example.cn',
  first_name: '三',
  last_name: '张',
  phone: '13800000000',
  device_id: 'phone-abc',
  ...overrides,
});

describe('GET services.json', () => {
  const services = open311Services(categories);

  it('lists every level-3 leaf of the real taxonomy once, with the spec fields', () => {
    expect(services).toHaveLength(leaves.length);
    expect(new Set(services.map((entry) => entry.service_code)).size).toBe(leaves.length);
    for (const entry of services) {
      expect(Object.keys(entry).sort()).toEqual(
        ['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type'].sort(),
      );
      expect(entry.service_code).toMatch(/^\d{6}$/);
      expect(entry.metadata).toBe(false);
      expect(entry.type).toBe('realtime');
      expect(entry.keywords.length).toBeGreaterThan(0);
    }
  });

  it('names a service by its leaf, groups it by its field of governance, describes it by its path', () => {
    const first = leaves[0]!;
    const level1 = categories.find((row) => row.code === first.code.slice(0, 2))!;
    const level2 = categories.find((row) => row.code === first.code.slice(0, 4))!;
    expect(services[0]).toEqual({
      service_code: first.code,
      service_name: first.name,
      description: `${level1.name} / ${level2.name} / ${first.name} (${first.nameEn})`,
      metadata: false,
      type: 'realtime',
      keywords: first.keywords!.join(','),
      group: level1.name,
    });
    expect(open311Services(categories, 'en')[0]).toMatchObject({
      service_name: first.nameEn,
      group: level1.nameEn,
      description: `${level1.nameEn} / ${level2.nameEn} / ${first.nameEn} (${first.name})`,
    });
  });
});

describe('POST requests.json', () => {
  it('becomes the same native report a native post makes', () => {
    const result = validateOpen311Post(formPost(), options);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.report).toEqual({
      idempotencyKey: KEY,
      channel: 'zhenghaopai',
      channelId: 2,
      receivedAt: NOW,
      location: { lng: 113.6653, lat: 34.7536 },
      postedLocation: { lng: 113.6653, lat: 34.7536, crs: 'WGS-84' },
      address: '二七区大学路88号',
      text: '井盖丢失，请尽快处理',
      categoryCode: service.code,
      reporter: { name: '张三', phone: '13800000000', email: 'citizen@example.cn' },
      photos: [{ kind: 'url', url: 'https://zhp.example.cn/media/1.jpg' }],
    });
    const native = validateIntake(
      {
        idempotencyKey: KEY,
        channel: 'zhenghaopai',
        location: { lng: 113.6653, lat: 34.7536 },
        address: '二七区大学路88号',
        text: '井盖丢失，请尽快处理',
        categoryCode: service.code,
        reporter: { name: '张三', phone: '13800000000', email: 'citizen@example.cn' },
        photos: [{ url: 'https://zhp.example.cn/media/1.jpg' }],
      },
      { insideCity, now: NOW },
    );
    expect(native.ok && canonicalIntake(native.report)).toBe(canonicalIntake(result.report));
  });

  it('takes JSON numbers as well as form strings, and the client channel the server says', () => {
    const result = validateOpen311Post(formPost({ lat: 34.7536, long: 113.6653, first_name: 'Li', last_name: 'Wei' }), {
      ...options,
      channel: 'hotline_12345',
    });
    expect(result.ok && result.report).toMatchObject({
      channel: 'hotline_12345',
      location: { lng: 113.6653, lat: 34.7536 },
      reporter: { name: 'Li Wei' },
    });
  });

  it('without a description, takes the service name as the text; blank form fields count as absent', () => {
    const result = validateOpen311Post(
      formPost({ description: '', email: '', phone: '', first_name: '', last_name: '', media_url: '' }),
      options,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.report.text).toBe(service.name);
    expect(result.report.photos).toEqual([]);
    expect('reporter' in result.report).toBe(false);
  });

  it('refuses a POST without the Idempotency-Key header', () => {
    const result = validateOpen311Post(formPost(), { ...options, idempotencyKey: undefined });
    expect(result).toEqual({
      ok: false,
      errors: [{ code: 400, description: `${IDEMPOTENCY_KEY_HEADER}: 缺少必填字段 / this field is required` }],
    });
  });

  it('refuses an address without coordinates, once, in Open311 terms', () => {
    const result = validateOpen311Post(formPost({ lat: undefined, long: '' }), options);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      {
        code: 400,
        description:
          'lat/long: 须提供经纬度（WGS-84）；仅凭地址无法定位 / lat and long (WGS-84) are required: an address alone cannot be placed here',
      },
    ]);
  });

  it('names the Open311 fields in the errors of the native checks', () => {
    const result = validateOpen311Post(
      formPost({ service_code: '999999', lat: '34.80', long: '114.31', media_url: 'ftp://x', phone: 'call me' }),
      options,
    );
    expect(result.ok).toBe(false);
    const fields = !result.ok ? result.errors.map((error) => error.description.split(':')[0]) : [];
    expect(fields.sort()).toEqual(['lat/long', 'media_url', 'phone', 'service_code'].sort());
    expect(!result.ok && result.errors.every((error) => error.code === 400)).toBe(true);
  });

  it('reads coordinates strictly: no hexadecimal, exponents or words', () => {
    for (const lat of ['0x22', '3.4e1', 'north', ' 34.75']) {
      const result = validateOpen311Post(formPost({ lat }), options);
      expect(!result.ok && result.errors[0]!.description, lat).toMatch(/^lat: /);
    }
  });

  it('refuses what is not a body, and a missing service_code, without throwing', () => {
    for (const body of [null, 'service_code=1', [formPost()]]) {
      expect(validateOpen311Post(body, options).ok).toBe(false);
    }
    const { service_code: _code, ...withoutCode } = formPost();
    const result = validateOpen311Post(withoutCode, options);
    expect(!result.ok && result.errors).toEqual([
      { code: 400, description: 'service_code: 缺少必填字段 / this field is required' },
    ]);
  });

  it('answers with the service_request_id, and errors in the spec format', () => {
    expect(open311PostResponse(123456)).toEqual([{ service_request_id: '123456' }]);
    expect(open311PostResponse('7', '三个工作日内处理')).toEqual([
      { service_request_id: '7', service_notice: '三个工作日内处理' },
    ]);
    expect(open311Error(404, '未找到该请求', 'no such request')).toEqual({
      code: 404,
      description: '未找到该请求 / no such request',
    });
  });
});

describe('GET requests/{id}.json', () => {
  const ticket: Open311TicketView = {
    id: 9_001_234,
    status: 'handling',
    categoryCode: service.code,
    reportedAt: NOW - 3600,
    updatedAt: NOW,
    dueAt: NOW + 86_400,
    lng: 113.6653,
    lat: 34.7536,
    agency: '二七区城市管理局',
    text: '井盖丢失，请尽快处理。联系人 13800000000',
    address: '二七区大学路88号',
    mediaUrl: 'https://zhp.example.cn/media/1.jpg',
  };

  it("reports a ticket's state with every spec field; the citizen's words only when the asker may see them", () => {
    expect(open311Request(ticket, { categories })).toEqual({
      service_request_id: '9001234',
      status: 'open',
      status_notes: '正在处置',
      service_name: service.name,
      service_code: service.code,
      description: null,
      agency_responsible: '二七区城市管理局',
      service_notice: null,
      requested_datetime: '2025-07-20T13:00:00+08:00',
      updated_datetime: '2025-07-20T14:00:00+08:00',
      expected_datetime: '2025-07-21T14:00:00+08:00',
      address: null,
      address_id: null,
      zipcode: null,
      lat: 34.7536,
      long: 113.6653,
      media_url: 'https://zhp.example.cn/media/1.jpg',
    });
    expect(open311Request(ticket, { categories, includeReportText: true, language: 'en' })).toMatchObject({
      status_notes: 'Being handled',
      service_name: service.nameEn,
      description: ticket.text,
      address: ticket.address,
    });
  });

  it('is open while handled or reopened, closed from resolved on', () => {
    const closed = TICKET_STATUSES.filter((status) => open311Status(status) === 'closed');
    expect(closed).toEqual(['resolved', 'feedback', 'evaluated']);
    expect(open311Request({ ...ticket, status: 'reopened' }, { categories }).status).toBe('open');
  });

  it("uses the operator's note when there is one, and null for what is not known", () => {
    const { dueAt: _due, agency: _agency, mediaUrl: _media, ...bare } = ticket;
    expect(open311Request({ ...bare, status: 'resolved', statusNotes: '已更换新井盖' }, { categories })).toMatchObject({
      status: 'closed',
      status_notes: '已更换新井盖',
      agency_responsible: null,
      expected_datetime: null,
      media_url: null,
    });
  });

  it('writes datetimes in Beijing time with the zone the spec requires', () => {
    expect(open311Datetime(0)).toBe('1970-01-01T08:00:00+08:00');
    expect(open311Datetime(Date.UTC(2025, 11, 31, 16, 30, 5) / 1000)).toBe('2026-01-01T00:30:05+08:00');
  });
});
