/**
 * The intake over real HTTP (Node's fetch and http) against a real hub: the native endpoint and Open311 GeoReport v2,
 * API keys and channels, idempotent retries and reused keys, every kind of bad payload answered with a clear error
 * and nothing crashing, the body cap, markup and SQL kept inert, and each new ticket reaching the consoles as an
 * ordered event; then the same with two hubs sharing Redis.
 */
import { spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadIntakeResources } from '../../../hub/intake/intake-resources';
import { startRedis, type RedisProcess } from '../../../hub/redis-process';
import type { TicketEventMessage } from '../../../shared/protocol/hub-protocol';
import { MAX_INTAKE_BODY_BYTES, MAX_PHOTO_BYTES, base64Length } from '../../../shared/protocol/intake';
import { closeAll, consoleLink, hub, memoryLog, ok, until } from './hub-fixtures';

afterEach(closeAll);

const HOTLINE_KEY = 'hotline-key-0123456789abcdef';
const APP_KEY = 'app-key-0123456789abcdef-zhp';
const KEYS = { [HOTLINE_KEY]: 'hotline_12345', [APP_KEY]: 'zhenghaopai' } as const;

const { categories } = loadIntakeResources();
const leaves = categories.filter((row) => row.level === 3);
const CATEGORY = leaves[0]!.code;

/** 二七区大学路: inside Zhengzhou. */
const INSIDE = { lng: 113.6653, lat: 34.7536 };

const report = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  idempotencyKey: 'hotline-20250720-000123',
  channel: 'hotline_12345',
  location: INSIDE,
  address: '二七区大学路88号',
  text: '井盖丢失，请尽快处理',
  categoryCode: CATEGORY,
  reporter: { name: '张三', phone: '13800000000' },
  ...overrides,
});

interface Answer {
  status: number;
  type: string | null;
  raw: string;
  body: unknown;
  headers: Headers;
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const raw = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    raw,
    body: JSON.parse(raw) as unknown,
    headers: response.headers,
  };
}

const postReport = (base: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
  call(`${base}/intake/v1/reports`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${HOTLINE_KEY}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

const postOpen311 = (base: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  call(`${base}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: form(fields),
  });

type Errors = { errors: { path: string; code: string; zh: string; en: string }[] };
const codes = (answer: Answer): string[] =>
  (answer.body as Errors).errors.map((error) => `${error.path} ${error.code}`);

/** Every answer is JSON, whatever happened. */
function expectJson(answer: Answer): void {
  expect(answer.type).toBe('application/json; charset=utf-8');
  expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
}

describe('the native intake endpoint', () => {
  it('files a new report as ticket t-<seq>, answers 201 and hands the event to every console', async () => {
    const started = await hub({ intakeKeys: KEYS });
    const desk = await consoleLink(started.url);
    const events: TicketEventMessage[] = [];
    desk.socket.on('tickets', (list) => events.push(...list));
    const answer = await postReport(started.url, report());
    expectJson(answer);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ id: 't-1', duplicate: false });
    expect(answer.headers.get('location')).toBe('/open311/v2/requests/t-1.json');
    await until(() => events.length === 1);
    expect(events[0]).toMatchObject({ seq: 1, id: 't-1', kind: 'reported' });
    expect(events[0]!.report).toMatchObject({
      channel: 'hotline_12345',
      text: '井盖丢失，请尽快处理',
      categoryCode: CATEGORY,
    });
    const since = ok(await desk.socket.emitWithAck('tickets:since', 0));
    expect(since.more).toBe(false);
    expect(since.events.map((event) => event.id)).toEqual(['t-1']);
    expect(ok(await desk.socket.emitWithAck('tickets:since', 1)).events).toEqual([]);
  });

  it('tickets:since pages through the stream in order', async () => {
    const started = await hub({ intakeKeys: KEYS });
    const desk = await consoleLink(started.url);
    for (let batch = 0; batch < 201; batch += 67) {
      const posts = Array.from({ length: Math.min(67, 201 - batch) }, (_, i) =>
        postReport(started.url, report({ idempotencyKey: `hotline-page-${String(batch + i).padStart(4, '0')}` })),
      );
      expect((await Promise.all(posts)).every((answer) => answer.status === 201)).toBe(true);
    }
    const first = ok(await desk.socket.emitWithAck('tickets:since', 0));
    expect(first.events).toHaveLength(200);
    expect(first.more).toBe(true);
    expect(first.events.map((event) => event.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const rest = ok(await desk.socket.emitWithAck('tickets:since', 200));
    expect(rest).toMatchObject({ more: false, events: [{ seq: 201, id: 't-201' }] });
    expect('error' in (await desk.socket.emitWithAck('tickets:since', -1 as number))).toBe(true);
  }, 20_000);

  it('a retry with the same key files nothing and answers 200 with the same id; other content under it is 409', async () => {
    const log = memoryLog();
    const started = await hub({ intakeKeys: KEYS, log });
    const desk = await consoleLink(started.url);
    const events: TicketEventMessage[] = [];
    desk.socket.on('tickets', (list) => events.push(...list));
    const first = await postReport(started.url, report());
    const retry = await postReport(started.url, report());
    expect(first.status).toBe(201);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ ...(first.body as object), duplicate: true });
    // The key in the header instead of the body: the same report.
    const { idempotencyKey, ...rest } = report();
    const byHeader = await postReport(started.url, rest, { 'Idempotency-Key': String(idempotencyKey) });
    expect(byHeader.status).toBe(200);
    expect(byHeader.body).toMatchObject({ id: 't-1', duplicate: true });
    const reused = await postReport(started.url, report({ text: '另一件事：路灯不亮' }));
    expectJson(reused);
    expect(reused.status).toBe(409);
    expect(codes(reused)).toEqual([' idempotency-conflict']);
    // The same key from another channel is another scope: a new ticket.
    const other = await postReport(started.url, report({ channel: 'zhenghaopai' }), {
      Authorization: `Bearer ${APP_KEY}`,
    });
    expect(other.status).toBe(201);
    expect(other.body).toMatchObject({ id: 't-2' });
    await until(() => events.length === 2);
    expect(ok(await desk.socket.emitWithAck('tickets:since', 0)).events.map((event) => event.seq)).toEqual([1, 2]);
    expect(log.events.some((entry) => entry.event === 'intake.refused' && entry.fields?.status === 409)).toBe(true);
    // No log line carries what the citizen said or who they are.
    expect(JSON.stringify(log.events)).not.toMatch(/井盖|张三|13800000000/);
  });

  it('401 without a key and with a wrong key; 403 for another channel than the key’s', async () => {
    const log = memoryLog();
    const started = await hub({ intakeKeys: KEYS, log });
    const none = await postReport(started.url, report(), { Authorization: '' });
    expectJson(none);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(codes(none)).toEqual([' no-key']);
    const wrong = await postReport(started.url, report(), { Authorization: 'Bearer not-a-key-of-this-hub' });
    expect(wrong.status).toBe(401);
    expect(codes(wrong)).toEqual([' wrong-key']);
    const posing = await postReport(started.url, report({ channel: 'zhenghaopai' }));
    expect(posing.status).toBe(403);
    expect(codes(posing)).toEqual([' channel-not-allowed']);
    // Without a channel, the key's.
    const { channel: _channel, ...withoutChannel } = report();
    const filed = await postReport(started.url, withoutChannel);
    expect(filed.status).toBe(201);
    const refused = log.events.filter((entry) => entry.event === 'intake.refused').map((entry) => entry.fields?.reason);
    expect(refused).toEqual(['no-key', 'wrong-key', 'channel-not-allowed']);
  });

  it('no location → 400 no-location', async () => {
    const started = await hub({ intakeKeys: KEYS });
    const { location: _location, ...rest } = report();
    const answer = await postReport(started.url, rest);
    expectJson(answer);
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['location no-location']);
    const error = (answer.body as Errors).errors[0]!;
    expect(error.zh).toContain('缺少位置');
    expect(error.en).toContain('location is missing');
  });

  it('outside the city → 400 outside-city', async () => {
    const started = await hub({ intakeKeys: KEYS });
    // Beijing.
    const answer = await postReport(started.url, report({ location: { lng: 116.397, lat: 39.909 } }));
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['location outside-city']);
  });

  it('a photo over the limit → 400 photo-too-large; a body over the cap → 413 before it is read', async () => {
    const started = await hub({ intakeKeys: KEYS });
    // A JPEG's signature, then one byte more than the limit.
    const photo = Buffer.alloc(MAX_PHOTO_BYTES + 1);
    photo.set([0xff, 0xd8, 0xff, 0xe0]);
    const large = await postReport(
      started.url,
      report({ photos: [{ mediaType: 'image/jpeg', data: photo.toString('base64') }] }),
    );
    expectJson(large);
    expect(large.status).toBe(400);
    expect(codes(large)).toEqual(['photos[0].data photo-too-large']);

    // Declared too long: refused from the header, nothing read.
    const declared = await rawPost(started.port, { 'Content-Length': String(MAX_INTAKE_BODY_BYTES + 1) }, 0);
    expect(declared.status).toBe(413);
    expect(declared.type).toBe('application/json; charset=utf-8');
    expect((JSON.parse(declared.body) as Errors).errors[0]!.code).toBe('body-too-large');
    // Chunked, no length: refused as soon as it passes the cap.
    const streamed = await rawPost(
      started.port,
      { 'Transfer-Encoding': 'chunked' },
      MAX_INTAKE_BODY_BYTES + 1024 * 1024,
    );
    expect(streamed.status).toBe(413);
    // The hub serves on.
    expect((await postReport(started.url, report())).status).toBe(201);
  }, 30_000);

  it('bad JSON → 400 with a message in Chinese and English; other content types → 415', async () => {
    const started = await hub({ intakeKeys: KEYS });
    const answer = await postReport(started.url, '{"idempotencyKey": "abc', {});
    expectJson(answer);
    expect(answer.status).toBe(400);
    expect((answer.body as Errors).errors).toEqual([
      { path: '', code: 'bad-json', zh: '请求体不是有效的 JSON（UTF-8）', en: 'the body is not valid JSON (UTF-8)' },
    ]);
    const notObject = await postReport(started.url, '[1,2,3]');
    expect(notObject.status).toBe(400);
    expect(codes(notObject)).toEqual([' not-an-object']);
    const text = await postReport(started.url, 'hello', { 'Content-Type': 'text/plain' });
    expect(text.status).toBe(415);
    // Not UTF-8.
    const latin = await call(`${started.url}/intake/v1/reports`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${HOTLINE_KEY}` },
      body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
    });
    expect(latin.status).toBe(400);
  });

  it('wrong types → 400 naming every field', async () => {
    const started = await hub({ intakeKeys: KEYS });
    const answer = await postReport(
      started.url,
      report({ location: { lng: '113.66', lat: 34.75 }, text: 42, photos: 'none', categoryCode: 10101 }),
    );
    expect(answer.status).toBe(400);
    expect(codes(answer).sort()).toEqual(
      ['categoryCode wrong-type', 'location.lng wrong-type', 'photos wrong-type', 'text wrong-type'].sort(),
    );
    const unknown = await postReport(started.url, report({ priority: 'urgent' }));
    expect(codes(unknown)).toEqual(['priority unknown-field']);
  });

  it('markup and SQL are stored as text and echoed back inert in the Open311 status', async () => {
    const started = await hub({ intakeKeys: KEYS });
    const text = `<script>alert("x")</script><img src=x onerror=alert(1)> '; DROP TABLE ticket_events; -- & more`;
    const address = `"><svg onload=alert(2)> 1' OR '1'='1`;
    const filed = await postReport(started.url, report({ text, address }));
    expect(filed.status).toBe(201);
    const id = (filed.body as { id: string }).id;
    // The posting channel's key sees the citizen's words, exactly, in JSON that no browser reads as markup.
    const own = await call(`${started.url}/open311/v2/requests/${id}.json?api_key=${HOTLINE_KEY}`);
    expectJson(own);
    expect(own.status).toBe(200);
    expect(own.raw).not.toMatch(/[<>&]/);
    expect(own.raw).toContain('\\u003cscript\\u003e');
    const [request] = own.body as { description: string; address: string; status: string }[];
    expect(request).toMatchObject({ description: text, address, status: 'open' });
    // Anyone else gets the status without them.
    const anyone = await call(`${started.url}/open311/v2/requests/${id}.json`);
    expect((anyone.body as { description: unknown; address: unknown }[])[0]).toMatchObject({
      description: null,
      address: null,
    });
    const other = await call(`${started.url}/open311/v2/requests/${id}.json?api_key=${APP_KEY}`);
    expect((other.body as { description: unknown }[])[0]!.description).toBeNull();
    // The SQL did nothing: the log still answers, and files more.
    expect((await postReport(started.url, report({ idempotencyKey: 'hotline-20250720-000124' }))).status).toBe(201);
  });

  it('unknown paths and methods answer JSON errors; nothing reaches Socket.IO’s path by mistake', async () => {
    const started = await hub({ intakeKeys: KEYS });
    const missing = await call(`${started.url}/nothing/here`);
    expectJson(missing);
    expect(missing.status).toBe(404);
    const wrongMethod = await call(`${started.url}/intake/v1/reports`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    const unknownTicket = await call(`${started.url}/open311/v2/requests/t-999.json`);
    expect(unknownTicket.status).toBe(404);
    expect(unknownTicket.body).toEqual([{ code: 404, description: expect.stringContaining('t-999') as unknown }]);
    const notAnId = await call(`${started.url}/open311/v2/requests/%3Cscript%3E.json`);
    expect(notAnId.status).toBe(404);
    expect(notAnId.raw).not.toMatch(/[<>]/);
  });
});

describe('Open311 GeoReport v2', () => {
  it('lists the taxonomy’s leaves as services', async () => {
    const started = await hub({ intakeKeys: KEYS });
    const answer = await call(`${started.url}/open311/v2/services.json`);
    expectJson(answer);
    expect(answer.status).toBe(200);
    const services = answer.body as { service_code: string; service_name: string; metadata: boolean }[];
    expect(services).toHaveLength(leaves.length);
    expect(services[0]).toMatchObject({
      service_code: leaves[0]!.code,
      service_name: leaves[0]!.name,
      metadata: false,
    });
    const english = await call(`${started.url}/open311/v2/services.json?locale=en`);
    expect((english.body as { service_name: string }[])[0]!.service_name).toBe(leaves[0]!.nameEn);
  });

  it('a form-encoded POST files a ticket as the key’s channel; a retry is the same request; the status reads it', async () => {
    const started = await hub({ intakeKeys: KEYS });
    const desk = await consoleLink(started.url);
    const events: TicketEventMessage[] = [];
    desk.socket.on('tickets', (list) => events.push(...list));
    const fields = {
      api_key: APP_KEY,
      service_code: CATEGORY,
      lat: String(INSIDE.lat),
      long: String(INSIDE.lng),
      address_string: '二七区大学路88号',
      description: '井盖丢失',
      media_url: 'https://zhp.example.cn/media/1.jpg',
    };
    const headers = { 'Idempotency-Key': 'zhp-7f3a9c1e-0001' };
    const posted = await postOpen311(started.url, fields, headers);
    expectJson(posted);
    expect(posted.status).toBe(201);
    expect(posted.body).toEqual([{ service_request_id: 't-1' }]);
    const retry = await postOpen311(started.url, fields, headers);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual([{ service_request_id: 't-1' }]);
    const reused = await postOpen311(started.url, { ...fields, description: '路灯不亮' }, headers);
    expect(reused.status).toBe(409);
    expect((reused.body as { code: number }[])[0]!.code).toBe(409);
    await until(() => events.length === 1);
    expect(events[0]!.report).toMatchObject({ channel: 'zhenghaopai', categoryCode: CATEGORY });

    const status = await call(`${started.url}/open311/v2/requests/t-1.json?api_key=${APP_KEY}`);
    expect(status.status).toBe(200);
    expect(status.body).toEqual([
      expect.objectContaining({
        service_request_id: 't-1',
        status: 'open',
        service_code: CATEGORY,
        service_name: leaves[0]!.name,
        description: '井盖丢失',
        address: '二七区大学路88号',
        media_url: 'https://zhp.example.cn/media/1.jpg',
        lat: INSIDE.lat,
        long: INSIDE.lng,
      }),
    ]);
    // JSON clients too.
    const json = await call(`${started.url}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'zhp-7f3a9c1e-0002' },
      body: JSON.stringify({ ...fields, lat: INSIDE.lat, long: INSIDE.lng }),
    });
    expect(json.status).toBe(201);
    expect(json.body).toEqual([{ service_request_id: 't-2' }]);
  });

  it('refuses without a key, with a wrong key, without an idempotency key and without a location', async () => {
    const started = await hub({ intakeKeys: KEYS });
    const fields = {
      service_code: CATEGORY,
      lat: String(INSIDE.lat),
      long: String(INSIDE.lng),
      description: '井盖丢失',
    };
    const headers = { 'Idempotency-Key': 'zhp-7f3a9c1e-0003' };
    const none = await postOpen311(started.url, fields, headers);
    expectJson(none);
    expect(none.status).toBe(401);
    expect(none.body).toEqual([{ code: 401, description: '缺少 API 密钥 / an API key is required' }]);
    expect((await postOpen311(started.url, { ...fields, api_key: 'wrong-key-0123456789' }, headers)).status).toBe(401);
    const queryWrong = await call(`${started.url}/open311/v2/requests.json?api_key=wrong-key-0123456789`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: form({ ...fields, api_key: APP_KEY }),
    });
    expect(queryWrong.status).toBe(401);
    expect((await call(`${started.url}/open311/v2/requests/t-1.json?api_key=wrong`)).status).toBe(401);
    const noKey = await postOpen311(started.url, { ...fields, api_key: APP_KEY });
    expect(noKey.status).toBe(400);
    expect(JSON.stringify(noKey.body)).toContain('Idempotency-Key');
    const noPlace = await postOpen311(started.url, { ...fields, api_key: APP_KEY, lat: '', long: '' }, headers);
    expect(noPlace.status).toBe(400);
    expect((noPlace.body as { description: string }[])[0]!.description).toContain('lat/long');
  });
});

const redisInstalled = spawnSync('redis-server', ['--version']).status === 0;
if (!redisInstalled) console.log('intake.test: redis-server is not installed; the Redis backend is not tested');

describe.skipIf(!redisInstalled)('two hubs sharing Redis', () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('one ticket stream: a report on one hub reaches the consoles of both, a retry on the other is the same ticket', async () => {
    const one = await hub({ redisUrl: redis.url, hubId: 'hub-1', intakeKeys: KEYS });
    const two = await hub({ redisUrl: redis.url, hubId: 'hub-2', intakeKeys: KEYS });
    const desk = await consoleLink(two.url);
    const events: TicketEventMessage[] = [];
    desk.socket.on('tickets', (list) => events.push(...list));
    const first = await postReport(one.url, report({ idempotencyKey: 'redis-hotline-0001' }));
    expect(first.status).toBe(201);
    const id = (first.body as { id: string }).id;
    expect(id).toMatch(/^t-\d+$/);
    await until(() => events.length === 1);
    expect(events[0]!.id).toBe(id);
    const retry = await postReport(two.url, report({ idempotencyKey: 'redis-hotline-0001' }));
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ id, duplicate: true });
    const reused = await postReport(two.url, report({ idempotencyKey: 'redis-hotline-0001', text: '别的事' }));
    expect(reused.status).toBe(409);
    const second = await postReport(two.url, report({ idempotencyKey: 'redis-hotline-0002' }));
    expect(second.status).toBe(201);
    await until(() => events.length === 2);
    const since = ok(await desk.socket.emitWithAck('tickets:since', 0));
    expect(since.events.map((event) => event.id)).toEqual([id, (second.body as { id: string }).id]);
    expect(since.events[1]!.seq).toBe(since.events[0]!.seq + 1);
    const status = await call(`${one.url}/open311/v2/requests/${id}.json?api_key=${HOTLINE_KEY}`);
    expect((status.body as { description: string }[])[0]!.description).toBe('井盖丢失，请尽快处理');
  });
});

describe('the Open311 status after consoles’ transitions', () => {
  it('follows the ticket’s latest transition: open or closed, the notes, the department, the time', async () => {
    const started = await hub({ intakeKeys: KEYS });
    const desk = await consoleLink(started.url);
    const posted = await postOpen311(
      started.url,
      {
        api_key: APP_KEY,
        service_code: CATEGORY,
        lat: String(INSIDE.lat),
        long: String(INSIDE.lng),
        description: '井盖丢失',
      },
      { 'Idempotency-Key': 'zhp-status-0001' },
    );
    const id = (posted.body as { service_request_id: string }[])[0]!.service_request_id;
    const status = async (locale = 'zh') =>
      (await call(`${started.url}/open311/v2/requests/${id}.json?locale=${locale}`)).body as {
        status: string;
        status_notes: string;
        agency_responsible: string | null;
        updated_datetime: string;
      }[];
    let version = 1;
    const move = async (status: 'dispatched' | 'resolved', extra: { notes?: string; agency?: string } = {}) => {
      const ack = await desk.socket.emitWithAck('ticket:transition', {
        id,
        kind: 'transition',
        expect: version,
        transition: { action: { kind: status }, status, console: 'desk-1', ...extra },
      });
      if (!ack.ok) throw new Error(ack.error);
      version = ack.seq;
      return ack.at;
    };
    await move('dispatched', { agency: '二七区城市管理局' });
    expect((await status('en'))[0]).toMatchObject({
      status: 'open',
      status_notes: 'Dispatched to the responsible unit',
      agency_responsible: '二七区城市管理局',
    });
    const at = await move('resolved', { notes: '已更换新井盖' });
    expect((await status())[0]).toMatchObject({
      status: 'closed',
      status_notes: '已更换新井盖',
      agency_responsible: '二七区城市管理局',
      updated_datetime: `${new Date((at + 8 * 3600) * 1000).toISOString().slice(0, 19)}+08:00`,
    });
  });
});

/** A POST over node:http, where the test decides the headers and how much body to stream. */
function rawPost(
  port: number,
  headers: Record<string, string>,
  bytes: number,
): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/intake/v1/reports',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${HOTLINE_KEY}`, ...headers },
    });
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({
          status: response.statusCode ?? 0,
          type: response.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        });
        request.destroy();
      });
    });
    // The server may close the connection while the body is still being written: only the answer matters.
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    request.flushHeaders();
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (!answered && sent < bytes) {
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

// The body cap is what intake.ts says: six photos at the limit and room for the rest.
it('the body cap leaves room for six photos at the limit', () => {
  expect(MAX_INTAKE_BODY_BYTES).toBeGreaterThan(6 * base64Length(MAX_PHOTO_BYTES));
});
