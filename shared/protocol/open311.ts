/**
 * Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2/), the open standard for citizen service requests,
 * mapped onto the intake (intake.ts). The intake's HTTP server serves, in JSON:
 *
 *   GET  services.json                   → Open311Service[]        the taxonomy's level-3 leaves
 *   POST requests.json                   → Open311PostResponse     a new service request, through validateIntake
 *   GET  requests/{service_request_id}.json → Open311Request[]     a ticket's status
 *   any failure                          → Open311Error[]          [{ code, description }]
 *
 * Field names are the spec's, exactly. Where Gridline differs from the spec, or chooses among what it allows:
 * - Idempotency. GeoReport v2 has no idempotency field, so a POST carries the key in the `Idempotency-Key` HTTP
 *   header (the IETF httpapi draft's name); the server passes the header's value in. Without it the POST is refused:
 *   a citizen app that retries on a timeout must never file a report twice.
 * - Location: `lat` and `long` (WGS-84, as the spec says) are required. The spec also allows `address_string` or
 *   `address_id` alone, but there is no geocoder here to place them; an address is kept as the report's address.
 * - `service_code` is a level-3 category code ("010101"); `metadata` is false for every service (no attributes), so
 *   `attribute[…]` fields are not read. `type` is realtime: the POST answers with the service_request_id.
 * - `media_url` becomes a photo reference (recorded, not fetched). Inline photos need the native intake.
 * - `description` is optional in the spec; a request without one takes its service's name as its text.
 * - Values may arrive as form fields (strings, the spec's application/x-www-form-urlencoded) or as JSON; `lat` and
 *   `long` are read from either, but strictly (no "" read as 0). Fields the spec has and Gridline does not use
 *   (`api_key`, `jurisdiction_id`, `device_id`, `account_id`, `address_id`) are accepted and ignored here: the server
 *   reads `api_key` to know the client (and so the channel) before this mapping runs.
 * - Status: open while a ticket is being handled (reported, dispatched, accepted, handling, reopened), closed from
 *   resolved on (resolved, feedback, evaluated: CLOSED_STATUS_MIN). `status_notes` is the latest note an operator
 *   gave the citizen, else a standard note per status; `agency_responsible` the lead department; `updated_datetime`
 *   the latest transition. A ticket merged into another case answers that case's status, and its note says so
 *   (every reporter of a merged case follows the case; their own request id stays theirs). A request's
 *   `description` and `address` are what the citizen wrote and may hold personal data; service_request_ids are
 *   ticket ids, which can be guessed, so the status leaves both out unless the caller says the asker may see them.
 * - Datetimes are W3C/ISO 8601 in Beijing time (+08:00), as the spec asks (a zone is required).
 *
 * shared/ code: the caller hands in the taxonomy's rows, the city test and the ticket.
 */
import { z } from 'zod';
import { CLOSED_STATUS_MIN, ticketStatusCode, type TicketStatus } from '../domain/channels';
import type { Language } from '../domain/language';
import { TAXONOMY_MAX_LEVEL, type CategoryRow } from '../domain/taxonomy';
import type { InsideCity } from '../geo/point-in-city';
import {
  formatIntakeError,
  MAX_TEXT_CHARS,
  validateIntake,
  type IntakeChannel,
  type IntakeError,
  type IntakeInput,
  type IntakeReport,
} from './intake';

/** The HTTP header that carries the idempotency key of a POST (GeoReport v2 has no field for it). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** The channel an Open311 client posts as unless the server's client registry says otherwise: the citizen app. */
export const OPEN311_DEFAULT_CHANNEL: IntakeChannel = 'zhenghaopai';

/** Zhengzhou keeps Beijing time all year (no daylight saving). */
const BEIJING_OFFSET_S = 8 * 3600;

// ─── Services ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** GET services.json: one entry per request type. */
export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  /** Whether the service has attributes to fetch from services/{code}.json: never here. */
  metadata: boolean;
  type: 'realtime' | 'batch' | 'blackbox';
  /** Comma-separated. */
  keywords: string;
  /** The level-1 field of governance the service belongs to. */
  group: string;
}

/**
 * The service list: every level-3 leaf of the taxonomy (rows as `flattenCategories` makes them, in its order),
 * named in the language asked for; the description is the leaf's path in the tree and its name in the other language.
 */
export function open311Services(rows: readonly CategoryRow[], language: Language = 'zh-CN'): Open311Service[] {
  const byCode = new Map(rows.map((row) => [row.code, row]));
  const name = (row: CategoryRow) => (language === 'en' ? row.nameEn : row.name);
  return rows
    .filter((row) => row.level === TAXONOMY_MAX_LEVEL)
    .map((leaf) => {
      const path: CategoryRow[] = [];
      for (let row: CategoryRow | undefined = leaf; row !== undefined;) {
        path.unshift(row);
        row = row.parentCode === null ? undefined : byCode.get(row.parentCode);
      }
      const other = language === 'en' ? leaf.name : leaf.nameEn;
      return {
        service_code: leaf.code,
        service_name: name(leaf),
        description: `${path.map(name).join(' / ')} (${other})`,
        metadata: false,
        type: 'realtime',
        keywords: (leaf.keywords ?? []).map((keyword) => keyword.replaceAll(',', ' ')).join(','),
        group: name(path[0]!),
      };
    });
}

// ─── POST requests.json ────────────────────────────────────────────────────────────────────────────────────────────

/**
 * A decimal number, from JSON or from a form field: "34.75", -113, "+34.7". Not "0x1F", "1e3" or " 3 "; an empty
 * form field is no value (never 0).
 */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const coordinate = z.union([z.number(), z.string().max(32)]).transform((value, ctx) => {
  if (value === '') return undefined;
  if (typeof value === 'number' || DECIMAL.test(value)) return Number(value);
  ctx.addIssue({ code: 'custom', message: 'not a decimal number' });
  return z.NEVER;
});
/** A spec string field: form fields are strings; JSON clients sometimes send numbers for ids. */
const text = (max: number) => z.union([z.string(), z.number().transform(String)]).pipe(z.string().max(max));

/**
 * POST requests.json, as the spec names its fields. Unknown fields are dropped (clients differ in what extras they
 * send); the values are checked again, more strictly, by `validateIntake`.
 */
export const open311PostSchema = z.object({
  service_code: text(16),
  lat: coordinate.nullish(),
  long: coordinate.nullish(),
  address_string: text(1000).nullish(),
  /** The spec caps it at 4,000 characters; the raw value may be longer before cleaning (validateIntake decides). */
  description: z
    .string()
    .max(MAX_TEXT_CHARS * 4)
    .nullish(),
  media_url: text(4096).nullish(),
  email: text(1000).nullish(),
  first_name: text(1000).nullish(),
  last_name: text(1000).nullish(),
  phone: text(1000).nullish(),
  // Accepted and not used here (see the module comment).
  api_key: text(1000).nullish(),
  jurisdiction_id: text(1000).nullish(),
  address_id: text(1000).nullish(),
  device_id: text(1000).nullish(),
  account_id: text(1000).nullish(),
});
export type Open311Post = z.input<typeof open311PostSchema>;

/** GeoReport's error list. `code` is an HTTP status (400 for a bad request, 404 for an unknown id…). */
export interface Open311Error {
  code: number;
  description: string;
}

/** The POST's answer: the new request's id (realtime services answer at once). */
export type Open311PostResponse = [{ service_request_id: string; service_notice?: string; account_id?: string }];

export function open311PostResponse(serviceRequestId: string | number, serviceNotice?: string): Open311PostResponse {
  return [
    {
      service_request_id: String(serviceRequestId),
      ...(serviceNotice === undefined ? {} : { service_notice: serviceNotice }),
    },
  ];
}

/** One error (the list the spec answers with has one entry per problem). */
export function open311Error(code: number, zh: string, en: string): Open311Error {
  return { code, description: `${zh} / ${en}` };
}

export interface Open311PostOptions {
  /** The `Idempotency-Key` header's value (undefined when the header is missing). */
  idempotencyKey: string | undefined;
  /** The taxonomy's rows (`flattenCategories`): the services. */
  categories: readonly CategoryRow[];
  insideCity: InsideCity;
  /** The client's channel (from its api_key); OPEN311_DEFAULT_CHANNEL when absent. */
  channel?: IntakeChannel;
  /** Epoch seconds. */
  now?: number;
}

export type Open311PostResult = { ok: true; report: IntakeReport } | { ok: false; errors: Open311Error[] };

/** The native fields that came from Open311 fields, to name the Open311 field in an error. */
const OPEN311_FIELD_FOR: [RegExp, string][] = [
  [/^idempotencyKey$/, IDEMPOTENCY_KEY_HEADER],
  [/^location\.lng$/, 'long'],
  [/^location\.lat$/, 'lat'],
  [/^location/, 'lat/long'],
  [/^address$/, 'address_string'],
  [/^text$/, 'description'],
  [/^categoryCode$/, 'service_code'],
  [/^reporter\.name$/, 'first_name/last_name'],
  [/^reporter\.phone$/, 'phone'],
  [/^reporter\.email$/, 'email'],
  [/^photos/, 'media_url'],
];

function open311Field(path: string): string {
  return OPEN311_FIELD_FOR.find(([pattern]) => pattern.test(path))?.[1] ?? path;
}

/** The native input an Open311 POST stands for (before validateIntake). */
export function open311ToIntakeInput(
  post: z.output<typeof open311PostSchema>,
  idempotencyKey: string | undefined,
  channel: IntakeChannel,
  serviceName: string | undefined,
): IntakeInput {
  const input: Record<string, unknown> = {
    idempotencyKey,
    channel,
    text: given(post.description) ?? serviceName ?? post.service_code,
    categoryCode: post.service_code,
  };
  if (post.lat != null && post.long != null) input.location = { lng: post.long, lat: post.lat, crs: 'WGS-84' };
  const address = given(post.address_string);
  if (address !== undefined) input.address = address;
  const reporter = {
    name: personName(given(post.first_name), given(post.last_name)),
    phone: given(post.phone),
    email: given(post.email),
  };
  if (Object.values(reporter).some((value) => value !== undefined)) input.reporter = reporter;
  const mediaUrl = given(post.media_url);
  if (mediaUrl !== undefined) input.photos = [{ url: mediaUrl }];
  return input as IntakeInput;
}

/** A form field's value, or undefined when it is absent or blank (forms send empty fields as ""). */
function given(value: string | null | undefined): string | undefined {
  return value == null || value.trim() === '' ? undefined : value;
}

/** A person's name from given and family names: family name first, no space, when it is written in Chinese. */
function personName(first: string | undefined, last: string | undefined): string | undefined {
  const givenName = first?.trim() ?? '';
  const family = last?.trim() ?? '';
  if (givenName === '' && family === '') return undefined;
  if (/\p{Script=Han}/u.test(givenName + family)) return `${family}${givenName}`;
  return [givenName, family].filter((part) => part !== '').join(' ');
}

/**
 * Checks an Open311 POST (form fields or JSON, parsed) with the Idempotency-Key header's value, and returns the native
 * report — the same `IntakeReport` a native post makes — or GeoReport errors naming the Open311 fields.
 */
export function validateOpen311Post(body: unknown, options: Open311PostOptions): Open311PostResult {
  const errors: Open311Error[] = [];
  const bad = (field: string, zh: string, en: string) => errors.push(open311Error(400, `${field}: ${zh}`, en));
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    bad('(body)', '请求体须为表单或 JSON 对象', 'the body must be form fields or a JSON object');
    return { ok: false, errors };
  }
  const parsed = open311PostSchema.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path.map(String).join('.') || '(body)';
      const missing = (body as Record<string, unknown>)[field] == null;
      if (missing) bad(field, '缺少必填字段', 'this field is required');
      else bad(field, '类型或格式错误', `wrong type or format (${issue.message})`);
    }
    return { ok: false, errors };
  }
  const post = parsed.data;
  const noLocation = post.lat == null || post.long == null;
  if (noLocation) {
    bad(
      'lat/long',
      '须提供经纬度（WGS-84）；仅凭地址无法定位',
      'lat and long (WGS-84) are required: an address alone cannot be placed here',
    );
  }
  const leaves = options.categories.filter((row) => row.level === TAXONOMY_MAX_LEVEL);
  const service = leaves.find((row) => row.code === post.service_code);
  const input = open311ToIntakeInput(
    post,
    options.idempotencyKey,
    options.channel ?? OPEN311_DEFAULT_CHANNEL,
    service?.name,
  );
  const result = validateIntake(input, {
    insideCity: options.insideCity,
    categoryCodes: new Set(leaves.map((row) => row.code)),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  if (!result.ok) {
    for (const error of result.errors) {
      // The missing location was said once above, in Open311's terms.
      if (error.code === 'no-location' && noLocation) continue;
      errors.push(intakeErrorToOpen311(error));
    }
  }
  if (errors.length > 0 || !result.ok) return { ok: false, errors };
  return { ok: true, report: result.report };
}

/** A native intake error in GeoReport's format, naming the Open311 field. */
export function intakeErrorToOpen311(error: IntakeError): Open311Error {
  return { code: 400, description: formatIntakeError({ ...error, path: open311Field(error.path) }) };
}

// ─── GET requests/{id}.json ────────────────────────────────────────────────────────────────────────────────────────

/** One service request as GeoReport v2 reports it. Fields without a value are null, as in the spec's examples. */
export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string | null;
  service_code: string;
  description: string | null;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number;
  long: number;
  media_url: string | null;
}

/** What the status needs to know about a ticket (the ticket service fills it in from its state). */
export interface Open311TicketView {
  id: number | string;
  status: TicketStatus;
  /** The ticket's level-3 category. */
  categoryCode: string;
  /** Epoch seconds. */
  reportedAt: number;
  /** Epoch seconds: the ticket's last transition. */
  updatedAt: number;
  /** Epoch seconds: the handling deadline, when one is set. */
  dueAt?: number;
  /** WGS-84. */
  lng: number;
  lat: number;
  /** The responsible department's name, once dispatched. */
  agency?: string;
  /** An operator's note for the citizen; a standard note per status when absent. */
  statusNotes?: string;
  /**
   * The case this ticket was merged into: `status`, `statusNotes`, `agency` and `updatedAt` are then the case's, and
   * the note says the request is handled as part of it.
   */
  mergedInto?: string;
  /** The citizen's text and address (shown only with `includeReportText`). */
  text?: string;
  address?: string;
  /** A photo reference the citizen posted. */
  mediaUrl?: string;
}

export interface Open311RequestOptions {
  categories: readonly CategoryRow[];
  language?: Language;
  /** Whether the asker may see the citizen's own words and address (the original client, signed in). */
  includeReportText?: boolean;
}

/** The standard note for each status, for citizens: [Chinese, English]. */
export const OPEN311_STATUS_NOTES: Record<TicketStatus, [string, string]> = {
  reported: ['已受理，等待派遣', 'Received, waiting to be dispatched'],
  dispatched: ['已派遣至责任单位', 'Dispatched to the responsible unit'],
  accepted: ['责任单位已签收', 'Accepted by the responsible unit'],
  handling: ['正在处置', 'Being handled'],
  resolved: ['已办结', 'Resolved'],
  feedback: ['已办结，已向您反馈结果', 'Resolved; the result has been reported back to you'],
  evaluated: ['已办结，已评价', 'Resolved and rated'],
  reopened: ['已重新办理', 'Reopened and being handled again'],
};

/** The note of a request merged into a case, before the case's own note: [Chinese, English]. */
export const open311MergedNote = (caseId: string): [string, string] => [
  `已并入工单 ${caseId} 合并办理`,
  `Merged into case ${caseId} and handled with it`,
];

/** open or closed, as GeoReport has only these two. */
export function open311Status(status: TicketStatus): 'open' | 'closed' {
  // reopened comes last in TICKET_STATUSES but is open again.
  return status !== 'reopened' && ticketStatusCode(status) >= CLOSED_STATUS_MIN ? 'closed' : 'open';
}

/** Epoch seconds as W3C/ISO 8601 in Beijing time: 2025-07-20T14:03:00+08:00. */
export function open311Datetime(epochSeconds: number): string {
  const local = new Date((Math.floor(epochSeconds) + BEIJING_OFFSET_S) * 1000).toISOString();
  return `${local.slice(0, 19)}+08:00`;
}

/** A ticket's status as GET requests/{id}.json answers it (inside the spec's one-element array). */
export function open311Request(ticket: Open311TicketView, options: Open311RequestOptions): Open311Request {
  const language = options.language ?? 'zh-CN';
  const category = options.categories.find((row) => row.code === ticket.categoryCode);
  const [noteZh, noteEn] = OPEN311_STATUS_NOTES[ticket.status];
  const shown = options.includeReportText === true;
  let notes = ticket.statusNotes ?? (language === 'en' ? noteEn : noteZh);
  if (ticket.mergedInto !== undefined) {
    const [mergedZh, mergedEn] = open311MergedNote(ticket.mergedInto);
    notes = language === 'en' ? `${mergedEn}. ${notes}` : `${mergedZh}。${notes}`;
  }
  return {
    service_request_id: String(ticket.id),
    status: open311Status(ticket.status),
    status_notes: notes,
    service_name: category === undefined ? null : language === 'en' ? category.nameEn : category.name,
    service_code: ticket.categoryCode,
    description: shown ? (ticket.text ?? null) : null,
    agency_responsible: ticket.agency ?? null,
    service_notice: null,
    requested_datetime: open311Datetime(ticket.reportedAt),
    updated_datetime: open311Datetime(ticket.updatedAt),
    expected_datetime: ticket.dueAt === undefined ? null : open311Datetime(ticket.dueAt),
    address: shown ? (ticket.address ?? null) : null,
    address_id: null,
    zipcode: null,
    lat: ticket.lat,
    long: ticket.lng,
    media_url: ticket.mediaUrl ?? null,
  };
}
