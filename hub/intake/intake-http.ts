/**
 * The intake's HTTP side (issue #7), mounted on the hub's own HTTP server beside Socket.IO: outside systems post
 * reports here and each one becomes a ticket event of the hub tier's ordered stream (ticket-log.ts), handed to every
 * console. JSON in and out; documented in hub/README.md.
 *
 *   POST /intake/v1/reports                 native (shared/protocol/intake.ts), `Authorization: Bearer KEY`
 *   GET  /open311/v2/services.json          GeoReport v2 services (the taxonomy's level-3 leaves), public
 *   POST /open311/v2/requests.json          GeoReport v2 new request (form-encoded or JSON), `api_key`
 *   GET  /open311/v2/requests/{id}.json     GeoReport v2 status; the citizen's text only for the posting channel's key
 *
 * - Keys: each API key maps to one intake channel (hub-secrets.json `intakeKeys`); a report's channel is its key's
 *   channel. No key or a wrong key: 401. A native body that names another channel: 403.
 * - Idempotency: `Idempotency-Key` header (or the native body's `idempotencyKey`; both given must agree). A retry
 *   answers 200 with the first answer; the key reused for other content, 409; a new report, 201.
 * - Status: a ticket's latest state as the ticket log keeps it (open or closed, the latest notes for the citizen, the
 *   lead department, the time of the latest event); a ticket merged into a case answers the case's, saying which case.
 *   Reports are checked and filed through intake-filing.ts, which workers' patrol reports share.
 * - The body is capped at MAX_INTAKE_BODY_BYTES before parsing (413, also from Content-Length alone); bad JSON, 400;
 *   validation, 400 with every problem; wrong content type, 415. Every answer is JSON (`<`, `>`, `&` escaped as
 *   \u003c…, so markup a citizen wrote stays inert even where a client mis-renders it), `nosniff`, `no-store`.
 *   Nothing thrown inside reaches the client but a 500 without details.
 * - Every refusal is logged (status, reason, route, address, channel; never the report's content), the first hundred
 *   of each kind and then every thousandth: a flood of bad posts must not flood the log.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Language } from '../../shared/domain/language';
import {
  INTAKE_CHANNELS,
  MAX_INTAKE_BODY_BYTES,
  type IntakeAccepted,
  type IntakeChannel,
  type IntakeReport,
} from '../../shared/protocol/intake';
import {
  IDEMPOTENCY_KEY_HEADER,
  open311Error,
  open311PostResponse,
  open311Request,
  open311Services,
  validateOpen311Post,
  type Open311Error,
  type Open311TicketView,
} from '../../shared/protocol/open311';
import type { IntakeFiling, IntakeLog } from './intake-filing';
import type { IntakeResources } from './intake-resources';
import { TICKET_ID_PATTERN, type TicketLog, type TicketStatusRecord } from './ticket-log';

export type { IntakeLog } from './intake-filing';

export interface IntakeHttpOptions {
  /** Checks and files reports (shared with workers' patrol reports); hands new tickets to the consoles. */
  filing: IntakeFiling;
  /** Where the status answers are read. */
  ticketLog: TicketLog;
  resources: IntakeResources;
  /** API key → the channel it posts as. */
  keys: Readonly<Record<string, IntakeChannel>>;
  log: IntakeLog;
  /** Epoch milliseconds. */
  now: () => number;
  /** Bytes a body may have (MAX_INTAKE_BODY_BYTES unless a test says less). */
  maxBodyBytes?: number;
}

/** How many merges Open311's status follows to the case a reporter's ticket joined (the log allows one). */
const MAX_MERGE_HOPS = 8;

export const INTAKE_PATHS = {
  reports: '/intake/v1/reports',
  services: '/open311/v2/services.json',
  requests: '/open311/v2/requests.json',
  request: /^\/open311\/v2\/requests\/([^/]+)\.json$/,
} as const;

/** A native error entry: intake.ts's IntakeError shape, with the HTTP layer's codes besides validation's. */
interface Problem {
  path: string;
  code: string;
  zh: string;
  en: string;
}

/** Raised inside a route: answered with its status and body, logged as a refusal. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly zh: string,
    readonly en: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(en);
  }
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** JSON that a browser can never read as markup, with the headers every answer carries. */
function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    ...headers,
  });
  response.end(text);
}

type Body = { ok: true; bytes: Buffer } | { ok: false };

/** The request's body, or `ok: false` as soon as it is longer than `cap` (the rest is read and dropped). */
function readBody(request: IncomingMessage, cap: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let over = false;
    request.on('data', (chunk: Buffer) => {
      if (over) return;
      length += chunk.length;
      if (length > cap) {
        over = true;
        chunks.length = 0;
        resolve({ ok: false });
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => {
      if (!over) resolve({ ok: true, bytes: Buffer.concat(chunks, length) });
    });
    request.once('error', reject);
    request.once('aborted', () => reject(new Error('the client aborted the request')));
  });
}

const mediaType = (request: IncomingMessage): string =>
  (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

const header = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

const bearer = (request: IncomingMessage): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(header(request, 'authorization') ?? '')?.[1];

const languageOf = (url: URL): Language => (url.searchParams.get('locale')?.startsWith('en') ? 'en' : 'zh-CN');

export function createIntakeHandler(
  options: IntakeHttpOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  const { filing, ticketLog, resources, log } = options;
  const cap = options.maxBodyBytes ?? MAX_INTAKE_BODY_BYTES;
  const keys = Object.entries(options.keys)
    .filter(([, channel]) => (INTAKE_CHANNELS as readonly string[]).includes(channel))
    .map(([key, channel]) => ({ digest: digest(key), channel }));

  /** The channel of a presented key: undefined when none is presented, null when it is not a key. */
  function channelOf(key: string | undefined | null): IntakeChannel | undefined | null {
    if (key === undefined || key === null || key === '') return undefined;
    const given = digest(key);
    let found: IntakeChannel | null = null;
    // Compared with every key, in constant time each: no timing tells how much of a key was right.
    for (const candidate of keys) if (timingSafeEqual(candidate.digest, given)) found = candidate.channel;
    return found;
  }

  const refusals = new Map<string, number>();
  function logRefusal(request: IncomingMessage, route: string, status: number, reason: string, channel?: string): void {
    const kind = `${status} ${reason}`;
    const count = (refusals.get(kind) ?? 0) + 1;
    refusals.set(kind, count);
    if (count <= 100 || count % 1000 === 0) {
      log('intake.refused', {
        status,
        reason,
        route,
        address: request.socket.remoteAddress,
        ...(channel === undefined ? {} : { channel }),
        count,
      });
    }
  }

  const unauthorized = (scheme: 'Bearer' | 'api_key', wrong: boolean): Refusal =>
    new Refusal(
      401,
      wrong ? 'wrong-key' : 'no-key',
      wrong ? 'API 密钥无效' : '缺少 API 密钥',
      wrong ? 'the API key is not valid' : 'an API key is required',
      scheme === 'Bearer' ? { 'WWW-Authenticate': 'Bearer realm="gridline-intake"' } : {},
    );

  const tooLarge = (): Refusal =>
    new Refusal(413, 'body-too-large', `请求体过大：上限 ${cap} 字节`, `the body is too large: at most ${cap} bytes`, {
      Connection: 'close',
    });

  /** The body, capped before it is read into memory: a declared length over the cap is refused unread. */
  async function body(request: IncomingMessage): Promise<Buffer> {
    const declared = Number(header(request, 'content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > cap) throw tooLarge();
    const read = await readBody(request, cap);
    if (!read.ok) throw tooLarge();
    return read.bytes;
  }

  function parseJson(bytes: Buffer): unknown {
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
    } catch {
      throw new Refusal(400, 'bad-json', '请求体不是有效的 JSON（UTF-8）', 'the body is not valid JSON (UTF-8)');
    }
  }

  /** Files a valid report, answering the status, the ticket's id and whether it was new. */
  async function logReport(
    report: IntakeReport,
  ): Promise<{ status: 200 | 201; id: string; record: TicketStatusRecord }> {
    const outcome = await filing.file(report);
    if (outcome.ok) return { status: outcome.duplicate ? 200 : 201, id: outcome.id, record: outcome.record };
    if (outcome.reason === 'log-unavailable') {
      throw new Refusal(
        503,
        'log-unavailable',
        '工单日志暂不可用，未受理，请稍后重试',
        'the ticket log is unavailable; nothing was filed, retry later',
      );
    }
    throw new Refusal(
      409,
      'idempotency-conflict',
      `幂等键已用于另一份内容不同的上报（工单 ${outcome.id}）`,
      `this idempotency key was already used for a different report (ticket ${outcome.id})`,
    );
  }

  /**
   * The status view of a ticket: its own status, notes and department; a ticket merged into a case answers the
   * case's (every reporter of a merged case follows it), and says which case.
   */
  async function statusView(record: TicketStatusRecord): Promise<Open311TicketView> {
    const view: Open311TicketView = {
      id: record.id,
      status: record.status,
      categoryCode: record.categoryCode ?? '',
      reportedAt: record.reportedAt,
      updatedAt: record.updatedAt,
      lng: record.lng,
      lat: record.lat,
      text: record.text,
      ...(record.address === undefined ? {} : { address: record.address }),
      ...(record.mediaUrl === undefined ? {} : { mediaUrl: record.mediaUrl }),
      ...(record.notes === undefined ? {} : { statusNotes: record.notes }),
      ...(record.agency === undefined ? {} : { agency: record.agency }),
    };
    let followed = record;
    for (let hop = 0; hop < MAX_MERGE_HOPS && followed.mergedInto !== undefined; hop++) {
      const next = await ticketLog.status(followed.mergedInto);
      if (next === undefined) break;
      followed = next;
    }
    if (followed === record) return view;
    view.mergedInto = followed.id;
    view.status = followed.status;
    view.updatedAt = Math.max(record.updatedAt, followed.updatedAt);
    if (followed.notes === undefined) delete view.statusNotes;
    else view.statusNotes = followed.notes;
    if (followed.agency !== undefined) view.agency = followed.agency;
    return view;
  }

  // ─── Native ───────────────────────────────────────────────────────────────────────────────────────────────────

  async function postReport(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const channel = channelOf(bearer(request));
    if (channel === undefined || channel === null) throw unauthorized('Bearer', channel === null);
    if (mediaType(request) !== 'application/json') {
      throw new Refusal(
        415,
        'unsupported-media-type',
        '请求体须为 application/json',
        'the body must be application/json',
      );
    }
    const input = parseJson(await body(request));
    if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
      const fields = input as Record<string, unknown>;
      const headerKey = header(request, IDEMPOTENCY_KEY_HEADER);
      if (headerKey !== undefined) {
        if (fields.idempotencyKey !== undefined && fields.idempotencyKey !== headerKey) {
          throw new Refusal(
            400,
            'idempotency-key-mismatch',
            `${IDEMPOTENCY_KEY_HEADER} 头与 idempotencyKey 字段不一致`,
            `the ${IDEMPOTENCY_KEY_HEADER} header and the idempotencyKey field differ`,
          );
        }
        fields.idempotencyKey = headerKey;
      }
      if (fields.channel === undefined) fields.channel = channel;
      else if (fields.channel !== channel) {
        throw new Refusal(
          403,
          'channel-not-allowed',
          `此 API 密钥只能以渠道 ${channel} 上报`,
          `this API key posts as the ${channel} channel only`,
        );
      }
    }
    const result = filing.validate(input);
    if (!result.ok) {
      logRefusal(request, 'reports', 400, 'invalid', channel);
      send(response, 400, { errors: result.errors });
      return;
    }
    const { status, id, record } = await logReport(result.report);
    const answer: IntakeAccepted = { id, duplicate: status === 200, receivedAt: record.receivedAt };
    send(response, status, answer, status === 201 ? { Location: `/open311/v2/requests/${id}.json` } : {});
  }

  // ─── Open311 ──────────────────────────────────────────────────────────────────────────────────────────────────

  async function postRequest(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const type = mediaType(request);
    if (type !== 'application/x-www-form-urlencoded' && type !== 'application/json') {
      throw new Refusal(
        415,
        'unsupported-media-type',
        '请求体须为 application/x-www-form-urlencoded 或 application/json',
        'the body must be application/x-www-form-urlencoded or application/json',
      );
    }
    // A key in the query or a header is checked before the body is read; one in the form after.
    const early = url.searchParams.get('api_key') ?? bearer(request);
    if (early !== undefined && channelOf(early) === null) throw unauthorized('api_key', true);
    const bytes = await body(request);
    let post: unknown;
    if (type === 'application/json') post = parseJson(bytes);
    else {
      const fields: Record<string, string> = {};
      for (const [name, value] of new URLSearchParams(bytes.toString('utf8'))) fields[name] ??= value;
      post = fields;
    }
    const formKey = post !== null && typeof post === 'object' ? (post as { api_key?: unknown }).api_key : undefined;
    const channel = channelOf(early ?? (typeof formKey === 'string' ? formKey : undefined));
    if (channel === undefined || channel === null) throw unauthorized('api_key', channel === null);
    const result = validateOpen311Post(post, {
      idempotencyKey: header(request, IDEMPOTENCY_KEY_HEADER),
      categories: resources.categories,
      insideCity: resources.insideCity,
      channel,
      now: Math.floor(options.now() / 1000),
    });
    if (!result.ok) {
      logRefusal(request, 'open311', 400, 'invalid', channel);
      send(response, 400, result.errors);
      return;
    }
    const { status, id } = await logReport(result.report);
    send(response, status, open311PostResponse(id));
  }

  async function getRequest(request: IncomingMessage, response: ServerResponse, url: URL, id: string): Promise<void> {
    const presented = url.searchParams.get('api_key') ?? bearer(request);
    const channel = channelOf(presented);
    if (channel === null) throw unauthorized('api_key', true);
    const record = TICKET_ID_PATTERN.test(id) ? await ticketLog.status(id) : undefined;
    if (record === undefined) {
      throw new Refusal(
        404,
        'unknown-request',
        `没有编号为 ${id.slice(0, 40)} 的诉求`,
        `no service request ${id.slice(0, 40)}`,
      );
    }
    const view = open311Request(await statusView(record), {
      categories: resources.categories,
      language: languageOf(url),
      includeReportText: channel !== undefined && channel === record.channel,
    });
    send(response, 200, [view]);
  }

  // ─── Routing ──────────────────────────────────────────────────────────────────────────────────────────────────

  return (request, response) => {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://intake.invalid');
    } catch {
      url = new URL('http://intake.invalid/');
    }
    const path = url.pathname;
    const open311 = path.startsWith('/open311/');
    const route = path === INTAKE_PATHS.reports ? 'reports' : open311 ? 'open311' : 'other';
    const method = request.method ?? 'GET';

    const refuse = (refusal: Refusal): void => {
      logRefusal(request, route, refusal.status, refusal.reason);
      if (response.headersSent) return;
      const body = open311
        ? [open311Error(refusal.status, refusal.zh, refusal.en) satisfies Open311Error]
        : { errors: [{ path: '', code: refusal.reason, zh: refusal.zh, en: refusal.en } satisfies Problem] };
      send(response, refusal.status, body, refusal.headers);
    };
    const only = (allowed: string, run: () => Promise<void>): Promise<void> =>
      method === allowed
        ? run()
        : Promise.reject(
            new Refusal(405, 'method-not-allowed', `只接受 ${allowed}`, `only ${allowed} is allowed here`, {
              Allow: allowed,
            }),
          );

    let work: Promise<void>;
    const item = INTAKE_PATHS.request.exec(path);
    if (path === INTAKE_PATHS.reports) work = only('POST', () => postReport(request, response));
    else if (path === INTAKE_PATHS.services) {
      work = only('GET', () => {
        send(response, 200, open311Services(resources.categories, languageOf(url)));
        return Promise.resolve();
      });
    } else if (path === INTAKE_PATHS.requests) work = only('POST', () => postRequest(request, response, url));
    else if (item) work = only('GET', () => getRequest(request, response, url, decodeURIComponentSafe(item[1]!)));
    else work = Promise.reject(new Refusal(404, 'not-found', '没有这个地址', 'no such endpoint'));

    work.catch((error: unknown) => {
      if (error instanceof Refusal) {
        refuse(error);
        return;
      }
      log('intake.failed', { route, error: String(error) });
      if (!response.headersSent && !response.destroyed) {
        refuse(new Refusal(500, 'internal', '服务器内部错误，未受理', 'internal error; nothing was filed'));
      }
    });
  };
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
