/**
 * The intake protocol: what outside systems may post as a new report (a future ticket), and how a post is checked.
 * Written down once here; the intake's HTTP server (JSON over HTTP on the hub side), the Open311 mapping
 * (open311.ts), the worker protocol's patrol reports and the simulators all go through `validateIntake`.
 *
 * Senders: the 12345 hotline platform, the 郑好拍 citizen photo app, 110 non-police transfers, grid workers' patrol
 * reports, IoT lifeline alarms and AI video events — six of the city's ten channel families (shared/domain/channels.ts;
 * the other four reach tickets through their own platforms and the console).
 *
 * Decisions
 * - Idempotency. Every post carries `idempotencyKey`, the sender's own id for the report (its work-order number, a
 *   UUID): 8–128 visible ASCII characters. Keys are unique per channel — `idempotencyScope` — so two systems'
 *   numbering cannot collide. A retry with a key already seen creates nothing and is answered with the first answer;
 *   a key reused for a different report is an error the server detects by comparing `canonicalIntake` (hashed).
 * - Location is required, in WGS-84 unless `crs` says otherwise. Accepted: WGS-84 (GPS), CGCS2000 (Tianditu, the
 *   national system: within a metre of WGS-84, taken as is), GCJ-02 (AMap/Gaode, Tencent, WeChat) and BD-09 (Baidu),
 *   converted to WGS-84 here. Nothing else (no projected coordinates): a sender converts first. A point outside the
 *   city outline is refused. A report cannot be placed from an address alone: there is no geocoder.
 * - Photos travel inline: base64 (standard alphabet, padded, no `data:` prefix, no line breaks) of a JPEG, PNG or
 *   WebP of at most MAX_PHOTO_BYTES decoded, whose first bytes must match the declared type (no HTML or SVG stored
 *   under an image's name). A photo the sender already hosts may be referenced by an http(s) URL instead (Open311's
 *   media_url); the intake records the reference and fetches nothing (a later, guarded step may).
 * - Text is plain text. Markup and SQL are accepted and stored as they are — stored through bound parameters,
 *   rendered by React as text — so they stay inert; control characters (except line breaks and tabs in multi-line
 *   text), bidirectional overrides and unpaired surrogates are removed, and the text is NFC-normalised.
 * - Errors are a list, every problem at once, each with its field path and a message in Chinese and in English.
 * - Times are epoch seconds, as the tickets table stores them.
 * - Personal data (`reporter`) is bounded and optional; it belongs to the ticket and goes into no log or event.
 *
 * shared/ code: no Node built-ins, no DOM. The caller hands in the city test (shared/geo/point-in-city.ts) and the
 * taxonomy's leaf codes.
 */
import { z } from 'zod';
import { CHANNELS } from '../domain/channels';
import { bd09ToWgs84 } from '../geo/bd09';
import { gcj02ToWgs84 } from '../geo/gcj02';
import type { InsideCity } from '../geo/point-in-city';
import type { LngLat } from '../geo/types';

// ─── Limits ────────────────────────────────────────────────────────────────────────────────────────────────────────

/** Idempotency keys: long enough that a counter is not mistaken for one by accident, short enough for an index. */
export const IDEMPOTENCY_KEY_MIN_CHARS = 8;
export const IDEMPOTENCY_KEY_MAX_CHARS = 128;
/** Visible ASCII only: no spaces, nothing that looks alike in two scripts, nothing a log line could be split by. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{8,128}$/;

/** A report's text, in Unicode characters after cleaning: GeoReport v2's description limit, and a long call. */
export const MAX_TEXT_CHARS = 4000;
/** Raw text longer than this many UTF-16 units is refused before it is cleaned (cleaning could not bring it down). */
export const MAX_RAW_TEXT_FACTOR = 4;
export const MAX_ADDRESS_CHARS = 200;
export const MAX_NAME_CHARS = 50;
export const MAX_PHONE_CHARS = 24;
/** RFC 5321's limit for a whole address. */
export const MAX_EMAIL_CHARS = 254;

/** Photos per report: what 郑好拍 lets a citizen attach. */
export const MAX_PHOTOS = 6;
/** Decoded bytes per photo: a phone's full-resolution JPEG, comfortably. */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
/** A real image is far larger; below this the type cannot even be recognised. */
export const MIN_PHOTO_BYTES = 12;
export const PHOTO_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoMediaType = (typeof PHOTO_MEDIA_TYPES)[number];
/** The longest photo URL kept: the common browser and proxy limit. */
export const MAX_PHOTO_URL_CHARS = 2048;

/** Reports may be forwarded late (a queue, a device that was offline), but not by more than this. */
export const MAX_REPORT_AGE_S = 30 * 86_400;
/** Senders' clocks drift: a report may say it happened this far in the future. */
export const MAX_CLOCK_SKEW_S = 300;

/** Device, event and worker ids of IoT and AI video sources. */
export const MAX_SOURCE_ID_CHARS = 64;
export const MAX_EVENT_TYPE_CHARS = 64;

/** Base64 characters for `bytes` bytes (padded). */
export const base64Length = (bytes: number): number => Math.ceil(bytes / 3) * 4;

/**
 * The largest request body the intake's HTTP server reads: six photos at the limit, base64-encoded, and room for
 * everything else (4,000 characters of text escaped as \uXXXX are 24 KB). The server refuses a longer body before
 * parsing it, so no payload can exhaust memory.
 */
export const MAX_INTAKE_BODY_BYTES = MAX_PHOTOS * base64Length(MAX_PHOTO_BYTES) + 256 * 1024;

// ─── Channels and coordinate systems ──────────────────────────────────────────────────────────────────────────────

/** The channels that post over the intake, with the codes of the `channels` table (shared/domain/channels.ts). */
export const INTAKE_CHANNELS = [
  'hotline_12345',
  'zhenghaopai',
  'police_110',
  'grid_patrol',
  'iot_alarm',
  'ai_video',
] as const;
export type IntakeChannel = (typeof INTAKE_CHANNELS)[number];

/** The `channels.id` of an intake channel. */
export function channelId(channel: IntakeChannel): number {
  const spec = CHANNELS.find((candidate) => candidate.code === channel);
  if (spec === undefined) throw new Error(`channel ${channel} is not in CHANNELS`);
  return spec.id;
}

/** Channels whose reports come from a device, which must say which (`source.deviceId`). */
export const DEVICE_CHANNELS: readonly IntakeChannel[] = ['iot_alarm', 'ai_video'];

/** Coordinate systems a location may be posted in (see the module comment). */
export const INTAKE_CRS = ['WGS-84', 'CGCS2000', 'GCJ-02', 'BD-09'] as const;
export type IntakeCrs = (typeof INTAKE_CRS)[number];

/** A posted point in WGS-84, whatever system it came in. */
export function toWgs84(point: LngLat, crs: IntakeCrs): LngLat {
  switch (crs) {
    case 'WGS-84':
    case 'CGCS2000':
      return [point[0], point[1]];
    case 'GCJ-02':
      return gcj02ToWgs84(point);
    case 'BD-09':
      return bd09ToWgs84(point);
  }
}

// ─── Text ──────────────────────────────────────────────────────────────────────────────────────────────────────────

/** C0 controls except tab and line feed, DEL, C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Bidirectional embeddings, overrides and isolates: they can make displayed text read differently from its bytes. */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/g;
const BYTE_ORDER_MARK = /\ufeff/g;
/** A high surrogate without its low half, or a low one without its high half (JSON can carry them; UTF-8 cannot). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Cleans text from outside: unpaired surrogates become U+FFFD; CR LF, CR and the Unicode line and paragraph
 * separators become LF (or, single-line, every line break and tab a space); control characters, bidirectional
 * controls and byte-order marks are removed; the result is NFC-normalised and trimmed. Markup, SQL and everything
 * else printable is left exactly as it was: it is data, never interpreted.
 */
export function cleanIntakeText(text: string, { multiline }: { multiline: boolean }): string {
  let cleaned = text
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(CONTROL, '')
    .replace(BIDI_CONTROL, '')
    .replace(BYTE_ORDER_MARK, '');
  if (!multiline) cleaned = cleaned.replace(/[\n\t]+/g, ' ');
  return cleaned.normalize('NFC').trim();
}

/** Length in Unicode characters (code points), as a person counts them; UTF-16 would count an emoji twice. */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

// ─── Errors ────────────────────────────────────────────────────────────────────────────────────────────────────────

/** Every kind of error `validateIntake` reports. */
export const INTAKE_ERROR_CODES = [
  /** The body is not a JSON object. */
  'not-an-object',
  'required',
  'wrong-type',
  /** A field the protocol does not have (a typo, or a field of another protocol). */
  'unknown-field',
  'not-allowed',
  'too-long',
  'too-many',
  'empty',
  'out-of-range',
  'bad-format',
  'unknown-value',
  'no-location',
  'outside-city',
  /** Longitude and latitude look exchanged: exchanged back, the point lies in the city. */
  'swapped-coordinates',
  'photo-too-large',
  /** The photo's bytes are not an image of the declared type. */
  'photo-content',
  'bad-base64',
  'unknown-category',
  'reported-in-future',
  'reported-too-long-ago',
] as const;
export type IntakeErrorCode = (typeof INTAKE_ERROR_CODES)[number];

/** One problem with a post: where (a path such as `photos[2].data`; empty for the whole body), what, and why. */
export interface IntakeError {
  path: string;
  code: IntakeErrorCode;
  /** Simplified Chinese, first: the operators' and most senders' language. */
  zh: string;
  en: string;
}

/** `path: 中文 / English`, for logs and for protocols with one message field (Open311). */
export function formatIntakeError(error: IntakeError): string {
  return `${error.path === '' ? '(body)' : error.path}: ${error.zh} / ${error.en}`;
}

type Problem = Pick<IntakeError, 'code' | 'zh' | 'en'>;
const problem = (code: IntakeErrorCode, zh: string, en: string): Problem => ({ code, zh, en });

/** Reported from inside a schema: `validateIntake` reads the code and messages back from `params`. */
function addProblem(ctx: z.RefinementCtx, { code, zh, en }: Problem, path?: (string | number)[]): void {
  ctx.addIssue({ code: 'custom', message: en, params: { intake: { code, zh, en } }, ...(path ? { path } : {}) });
}

// ─── Field schemas ─────────────────────────────────────────────────────────────────────────────────────────────────

/** A text field: cleaned, then measured in characters. Multi-line text keeps its line breaks. */
function textField(maxChars: number, multiline: boolean) {
  return z.string().transform((raw, ctx) => {
    if (raw.length > maxChars * MAX_RAW_TEXT_FACTOR) {
      addProblem(ctx, tooLongProblem(maxChars));
      return z.NEVER;
    }
    const cleaned = cleanIntakeText(raw, { multiline });
    if (cleaned === '') {
      addProblem(
        ctx,
        problem('empty', '不能为空（或只有空白和控制字符）', 'must not be empty (or only blanks and controls)'),
      );
      return z.NEVER;
    }
    if (codePointLength(cleaned) > maxChars) {
      addProblem(ctx, tooLongProblem(maxChars));
      return z.NEVER;
    }
    return cleaned;
  });
}

/** An optional single-line text field: absent, null or blank after cleaning all mean "not given". */
function optionalLine(maxChars: number) {
  return z
    .string()
    .transform((raw, ctx) => {
      const cleaned =
        raw.length > maxChars * MAX_RAW_TEXT_FACTOR ? undefined : cleanIntakeText(raw, { multiline: false });
      if (cleaned === '') return undefined;
      if (cleaned === undefined || codePointLength(cleaned) > maxChars) {
        addProblem(ctx, tooLongProblem(maxChars));
        return z.NEVER;
      }
      return cleaned;
    })
    .nullish();
}

const tooLongProblem = (max: number): Problem =>
  problem('too-long', `过长：最多 ${max} 个字符`, `too long: at most ${max} characters`);

/** ISO 8601 with a zone, seconds and fractions optional: 2025-07-20T14:03:00+08:00, 2025-07-20T06:03Z. */
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

const REPORTED_AT_FORMAT = problem(
  'bad-format',
  '须为带时区的 ISO 8601 时间，如 2025-07-20T14:03:00+08:00',
  'must be an ISO 8601 time with its zone, e.g. 2025-07-20T14:03:00+08:00',
);

/** Parses ISO_DATETIME to epoch seconds, checking the calendar (Date.parse would turn 30 February into March). */
export function parseIsoDatetime(text: string): number | undefined {
  const match = ISO_DATETIME.exec(text);
  if (match === null) return undefined;
  const field = (i: number) => Number(match[i] ?? 0);
  const [year, month, day, hour, minute, second] = [field(1), field(2), field(3), field(4), field(5), field(6)];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  let offsetMinutes = 0;
  if (match[7] !== 'Z') {
    const [offsetHours, offsetRest] = [field(9), field(10)];
    if (offsetHours > 14 || offsetRest > 59) return undefined;
    offsetMinutes = (match[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offsetMinutes * 60;
}

/** When it happened, as the sender says: ISO 8601 with a zone; out, epoch seconds. */
export const reportedAtSchema = z.string().transform((text, ctx) => {
  const seconds = text.length <= 40 ? parseIsoDatetime(text) : undefined;
  if (seconds === undefined) {
    addProblem(ctx, REPORTED_AT_FORMAT);
    return z.NEVER;
  }
  return seconds;
});

/** A point as posted. */
export const intakeLocationSchema = z.strictObject({
  lng: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  /** WGS-84 when absent. */
  crs: z.enum(INTAKE_CRS).nullish(),
});
export type IntakeLocationInput = z.input<typeof intakeLocationSchema>;

/** A level-3 category code of the taxonomy (resources/taxonomy/categories.json). */
export const categoryCodeSchema = z.string().regex(/^\d{6}$/);

/** Who reported it: personal data, all of it optional and bounded. */
export const reporterSchema = z.strictObject({
  name: optionalLine(MAX_NAME_CHARS),
  /** Digits with an optional leading +, and the separators people type: 138 0000 0000, 0371-6718 8888. */
  phone: z
    .string()
    .trim()
    .regex(new RegExp(`^\\+?[0-9][0-9 ()-]{2,${MAX_PHONE_CHARS - 2}}$`))
    .nullish(),
  email: z.email().max(MAX_EMAIL_CHARS).nullish(),
});

/** Visible ASCII; http or https; a host without user name or password; at most MAX_PHOTO_URL_CHARS. */
const PHOTO_URL = /^https?:\/\/[a-zA-Z0-9.-]+(?::\d{1,5})?(?:[/?#][\x21-\x7e]*)?$/;
/**
 * Standard base64 with padding: with a length that is a multiple of 4, `=` only as the last one or two characters.
 * One flat character class, no groups: a pattern that repeats a group backtracks through every quad of a megabytes-long
 * photo and overflows the stack.
 */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** One photo: inline (`mediaType` and `data`) or a reference (`url`, `mediaType` optional). */
export const photoSchema = z
  .strictObject({
    mediaType: z.enum(PHOTO_MEDIA_TYPES).nullish(),
    /** Base64 of the image's bytes. */
    data: z.string().nullish(),
    url: z.string().max(MAX_PHOTO_URL_CHARS).regex(PHOTO_URL).nullish(),
  })
  .superRefine((photo, ctx) => {
    const hasData = photo.data !== undefined && photo.data !== null;
    const hasUrl = photo.url !== undefined && photo.url !== null;
    if (hasData === hasUrl) {
      addProblem(
        ctx,
        problem(
          'bad-format',
          '须提供 data（内嵌图片）或 url（图片地址）之一',
          'give exactly one of data (inline) or url',
        ),
      );
      return;
    }
    if (!hasData) return;
    if (photo.mediaType === undefined || photo.mediaType === null) {
      addProblem(ctx, problem('required', '内嵌图片须注明 mediaType', 'an inline photo needs its mediaType'), [
        'mediaType',
      ]);
    }
    for (const found of checkPhotoData(photo.data!, photo.mediaType ?? undefined)) addProblem(ctx, found, ['data']);
  });
export type PhotoInput = z.input<typeof photoSchema>;

/** Checks inline photo data without decoding more than its first bytes: size from the length, then the type. */
function checkPhotoData(data: string, mediaType: PhotoMediaType | undefined): Problem[] {
  const tooLarge = (): Problem[] => {
    const mb = (base64DecodedLength(data) / 1024 / 1024).toFixed(1);
    const limit = MAX_PHOTO_BYTES / 1024 / 1024;
    return [
      problem(
        'photo-too-large',
        `图片过大：约 ${mb} MB，上限 ${limit} MB`,
        `photo too large: about ${mb} MB, the limit is ${limit} MB`,
      ),
    ];
  };
  // Far too long is too large whatever else is wrong with it: said before the whole string is scanned.
  if (data.length > base64Length(MAX_PHOTO_BYTES)) return tooLarge();
  if (data.startsWith('data:')) {
    return [
      problem('bad-base64', '只传 base64 本身，不带 data: 前缀', 'send the base64 alone, without a data: prefix'),
    ];
  }
  if (data.length % 4 !== 0 || !BASE64.test(data)) {
    return [
      problem(
        'bad-base64',
        '不是有效的 base64（标准字母表、带填充、无换行）',
        'not valid base64 (standard alphabet, padded, no line breaks)',
      ),
    ];
  }
  if (base64DecodedLength(data) > MAX_PHOTO_BYTES) return tooLarge();
  const detected = base64DecodedLength(data) < MIN_PHOTO_BYTES ? undefined : sniffImage(decodeBase64Prefix(data, 12));
  if (mediaType !== undefined && detected !== mediaType) {
    const what = detected === undefined ? '不是 JPEG、PNG 或 WebP 图片' : `实为 ${detected}`;
    const whatEn = detected === undefined ? 'is not a JPEG, PNG or WebP image' : `is ${detected}`;
    return [
      problem(
        'photo-content',
        `内容与 ${mediaType} 不符：${what}`,
        `content does not match ${mediaType}: it ${whatEn}`,
      ),
    ];
  }
  return [];
}

/** Bytes a padded base64 string decodes to. */
export function base64DecodedLength(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.floor((data.length * 3) / 4) - padding;
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The first `bytes` bytes of valid base64 (shared/ has neither Buffer nor atob). */
function decodeBase64Prefix(data: string, bytes: number): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i + 4 <= data.length && out.length < bytes; i += 4) {
    const quad = [0, 1, 2, 3].map((k) => BASE64_ALPHABET.indexOf(data[i + k]!));
    out.push(((quad[0]! << 2) | (quad[1]! >> 4)) & 0xff);
    if (quad[2]! >= 0) out.push(((quad[1]! << 4) | (quad[2]! >> 2)) & 0xff);
    if (quad[3]! >= 0) out.push(((quad[2]! << 6) | quad[3]!) & 0xff);
  }
  return Uint8Array.from(out.slice(0, bytes));
}

/** The image type from its signature: JPEG FF D8 FF, PNG's eight bytes, WebP RIFF····WEBP. */
export function sniffImage(head: Uint8Array): PhotoMediaType | undefined {
  const starts = (signature: readonly number[], at = 0) => signature.every((byte, i) => head[at + i] === byte);
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return undefined;
}

/** Which device, event or worker a report comes from. Which fields a channel needs: `validateIntake`. */
export const sourceSchema = z.strictObject({
  /** The IoT device's or camera's id in its own platform. */
  deviceId: z
    .string()
    .regex(new RegExp(`^[\\x21-\\x7e]{1,${MAX_SOURCE_ID_CHARS}}$`))
    .nullish(),
  /** The alarm's or detection's id in its own platform. */
  eventId: z
    .string()
    .regex(new RegExp(`^[\\x21-\\x7e]{1,${MAX_SOURCE_ID_CHARS}}$`))
    .nullish(),
  /** What the device detected, as a snake_case code of its platform: water_level_high, illegal_parking. */
  eventType: z
    .string()
    .regex(new RegExp(`^[a-z][a-z0-9_]{0,${MAX_EVENT_TYPE_CHARS - 1}}$`))
    .nullish(),
  /** An AI detection's confidence, 0..1. */
  confidence: z.number().min(0).max(1).nullish(),
  /** The grid worker who filed a patrol report. */
  workerId: z.number().int().positive().nullish(),
});

/** A native intake post, as its shape is checked (the city, the clock and the taxonomy are `validateIntake`'s). */
export const intakeInputSchema = z.strictObject({
  /** The sender's id for this report: a retry with the same key is the same report. */
  idempotencyKey: z.string().regex(IDEMPOTENCY_KEY_PATTERN),
  channel: z.enum(INTAKE_CHANNELS),
  /** When it happened; the time of receipt when absent. */
  reportedAt: reportedAtSchema.nullish(),
  location: intakeLocationSchema,
  /** The address as the reporter said it, for people to read (it does not place the report). */
  address: optionalLine(MAX_ADDRESS_CHARS),
  text: textField(MAX_TEXT_CHARS, true),
  /** The sender's category, if it has one; otherwise the console suggests one from the text. */
  categoryCode: categoryCodeSchema.nullish(),
  reporter: reporterSchema.nullish(),
  photos: z.array(photoSchema).max(MAX_PHOTOS).nullish(),
  source: sourceSchema.nullish(),
});
/** A native intake post, as a sender writes it. */
export type IntakeInput = z.input<typeof intakeInputSchema>;

// ─── The normalised report ─────────────────────────────────────────────────────────────────────────────────────────

export type IntakePhoto =
  | { kind: 'inline'; mediaType: PhotoMediaType; /** base64 */ data: string; bytes: number }
  | { kind: 'url'; url: string; mediaType?: PhotoMediaType };

/** A report that passed every check: cleaned, in WGS-84, with nulls and blanks dropped. */
export interface IntakeReport {
  idempotencyKey: string;
  channel: IntakeChannel;
  /** `channels.id`. */
  channelId: number;
  /** Epoch seconds, as sent; absent when the sender gave none (the ticket then uses `receivedAt`). */
  reportedAt?: number;
  /** Epoch seconds: when the intake checked it. */
  receivedAt: number;
  /** WGS-84. */
  location: { lng: number; lat: number };
  /** The point exactly as posted, for the record. */
  postedLocation: { lng: number; lat: number; crs: IntakeCrs };
  address?: string;
  text: string;
  categoryCode?: string;
  reporter?: { name?: string; phone?: string; email?: string };
  photos: IntakePhoto[];
  source?: { deviceId?: string; eventId?: string; eventType?: string; confidence?: number; workerId?: number };
}

/** When the ticket happened: the sender's time, or the time of receipt. */
export const reportedTime = (report: IntakeReport): number => report.reportedAt ?? report.receivedAt;

/**
 * The scope a key is unique in, as one string: `channel:key` (each sending system numbers its own reports; a channel
 * code has no colon, so the first colon splits the two).
 */
export const idempotencyScope = (report: Pick<IntakeReport, 'channel' | 'idempotencyKey'>): string =>
  `${report.channel}:${report.idempotencyKey}`;

/**
 * Everything the sender said, as one canonical JSON text (keys sorted, the derived WGS-84 point and the time of
 * receipt left out): two posts with one key are the same report exactly when these texts are equal. The server
 * stores a hash of it beside the key.
 */
export function canonicalIntake(report: IntakeReport): string {
  const { receivedAt: _receivedAt, location: _location, ...sent } = report;
  return canonicalJson(sent);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What the intake answers to a report it accepted (or had accepted before, for a retry). */
export interface IntakeAccepted {
  /** The ticket's id. */
  id: string;
  /** True for a retry: nothing was created this time. */
  duplicate: boolean;
  receivedAt: number;
}

/** What the intake answers to a report it refused. */
export interface IntakeRejected {
  errors: IntakeError[];
}

// ─── Validation ────────────────────────────────────────────────────────────────────────────────────────────────────

export interface IntakeOptions {
  /** The city test (shared/geo/point-in-city.ts `makeInsideCity` over the outline). */
  insideCity: InsideCity;
  /** Epoch seconds; the current time when absent. */
  now?: number;
  /** The taxonomy's leaf codes; when given, a `categoryCode` must be one of them. */
  categoryCodes?: ReadonlySet<string>;
}

export type IntakeResult = { ok: true; report: IntakeReport } | { ok: false; errors: IntakeError[] };

/**
 * Checks a post (parsed JSON, any value) and returns the normalised report, or every problem found. Never throws on
 * any input. Checks that need the city, the clock or the taxonomy run on each field that is well-formed on its own,
 * so a post with a bad photo and a point outside the city hears about both.
 */
export function validateIntake(input: unknown, options: IntakeOptions): IntakeResult {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return {
      ok: false,
      errors: [{ path: '', code: 'not-an-object', zh: '请求体须为 JSON 对象', en: 'the body must be a JSON object' }],
    };
  }
  const raw = input as Record<string, unknown>;
  const errors: IntakeError[] = [];
  const parsed = intakeInputSchema.safeParse(raw);
  if (!parsed.success) errors.push(...parsed.error.issues.flatMap((issue) => issueToErrors(issue, raw)));

  const add = (path: string, { code, zh, en }: Problem) => errors.push({ path, code, zh, en });

  // The location against the city; a hint when the two numbers look exchanged.
  const location = intakeLocationSchema.safeParse(raw.location);
  let wgs84: LngLat | undefined;
  let inside = false;
  if (location.success) {
    wgs84 = toWgs84([location.data.lng, location.data.lat], location.data.crs ?? 'WGS-84');
    inside = options.insideCity(wgs84);
    if (!inside) {
      add(
        'location',
        problem(
          'outside-city',
          '位置不在郑州市域内（请检查经纬度和坐标系 crs）',
          'the location is outside the city of Zhengzhou (check lng/lat and crs)',
        ),
      );
    }
  }
  const swapped = inside ? undefined : swappedPoint(raw.location);
  if (swapped !== undefined && options.insideCity(swapped)) {
    add(
      'location',
      problem(
        'swapped-coordinates',
        '经纬度似乎填反了：lng 为经度，lat 为纬度',
        'longitude and latitude look swapped: lng is the longitude, lat the latitude',
      ),
    );
  }

  // The time against the clock.
  const reportedAt = reportedAtSchema.nullish().safeParse(raw.reportedAt);
  if (reportedAt.success && reportedAt.data !== undefined && reportedAt.data !== null) {
    if (reportedAt.data > now + MAX_CLOCK_SKEW_S) {
      add('reportedAt', problem('reported-in-future', '时间晚于当前时间', 'the time is in the future'));
    } else if (reportedAt.data < now - MAX_REPORT_AGE_S) {
      const days = MAX_REPORT_AGE_S / 86_400;
      add(
        'reportedAt',
        problem('reported-too-long-ago', `时间早于 ${days} 天前`, `the time is more than ${days} days ago`),
      );
    }
  }

  // The category against the taxonomy.
  const category = categoryCodeSchema.nullish().safeParse(raw.categoryCode);
  if (category.success && typeof category.data === 'string' && options.categoryCodes !== undefined) {
    if (!options.categoryCodes.has(category.data)) {
      add(
        'categoryCode',
        problem('unknown-category', '不是已知的三级事项分类代码', 'not a known level-3 category code'),
      );
    }
  }

  // The source against the channel.
  const channel = z.enum(INTAKE_CHANNELS).safeParse(raw.channel);
  const source = sourceSchema.nullish().safeParse(raw.source);
  if (channel.success && source.success) {
    for (const [path, found] of checkSource(channel.data, source.data ?? undefined)) add(path, found);
  }

  if (errors.length > 0 || !parsed.success || wgs84 === undefined) {
    return { ok: false, errors: errors.length > 0 ? errors : [unexpected()] };
  }
  return { ok: true, report: normalise(parsed.data, wgs84, now) };
}

function unexpected(): IntakeError {
  return { path: '', code: 'bad-format', zh: '无法解析的请求', en: 'the body could not be read' };
}

/** The point with longitude and latitude exchanged, when the post has two numbers there. */
function swappedPoint(location: unknown): LngLat | undefined {
  if (location === null || typeof location !== 'object') return undefined;
  const { lng, lat } = location as { lng?: unknown; lat?: unknown };
  if (typeof lng !== 'number' || typeof lat !== 'number' || Math.abs(lng) > 90) return undefined;
  return [lat, lng];
}

type SourceInput = z.output<typeof sourceSchema>;

/** Which source fields each channel needs and allows. */
function checkSource(channel: IntakeChannel, source: SourceInput | undefined): [string, Problem][] {
  const found: [string, Problem][] = [];
  const present = (field: keyof SourceInput) => source?.[field] !== undefined && source[field] !== null;
  const device = DEVICE_CHANNELS.includes(channel);
  if (device && !present('deviceId')) {
    found.push([
      'source.deviceId',
      problem('required', '物联告警和 AI 视频事件须注明设备编号', 'IoT alarms and AI video events need the device id'),
    ]);
  }
  if (channel === 'grid_patrol' && !present('workerId')) {
    found.push([
      'source.workerId',
      problem('required', '网格员巡查上报须注明网格员编号', 'patrol reports need the grid worker id'),
    ]);
  }
  const allowed: Record<keyof SourceInput, boolean> = {
    deviceId: device,
    eventId: device,
    eventType: device,
    confidence: channel === 'ai_video',
    workerId: channel === 'grid_patrol',
  };
  for (const field of Object.keys(allowed) as (keyof SourceInput)[]) {
    if (present(field) && !allowed[field]) {
      found.push([
        `source.${field}`,
        problem('not-allowed', `渠道 ${channel} 不使用此字段`, `the ${channel} channel does not use this field`),
      ]);
    }
  }
  return found;
}

type ParsedIntake = z.output<typeof intakeInputSchema>;

/** Drops nulls and blanks, converts the point, fills in the channel id and the time of receipt. */
function normalise(data: ParsedIntake, wgs84: LngLat, now: number): IntakeReport {
  const report: IntakeReport = {
    idempotencyKey: data.idempotencyKey,
    channel: data.channel,
    channelId: channelId(data.channel),
    receivedAt: now,
    location: { lng: wgs84[0], lat: wgs84[1] },
    postedLocation: { lng: data.location.lng, lat: data.location.lat, crs: data.location.crs ?? 'WGS-84' },
    text: data.text,
    photos: (data.photos ?? []).map(normalisePhoto),
  };
  if (data.reportedAt != null) report.reportedAt = data.reportedAt;
  if (data.address != null) report.address = data.address;
  if (data.categoryCode != null) report.categoryCode = data.categoryCode;
  const reporter = withoutNulls(data.reporter);
  if (reporter !== undefined) report.reporter = reporter;
  const source = withoutNulls(data.source);
  if (source !== undefined) report.source = source;
  return report;
}

function normalisePhoto(photo: z.output<typeof photoSchema>): IntakePhoto {
  if (photo.data != null) {
    return { kind: 'inline', mediaType: photo.mediaType!, data: photo.data, bytes: base64DecodedLength(photo.data) };
  }
  return photo.mediaType != null
    ? { kind: 'url', url: photo.url!, mediaType: photo.mediaType }
    : { kind: 'url', url: photo.url! };
}

/** The object without its null and undefined fields; undefined when nothing is left. */
function withoutNulls<T extends object>(
  value: T | null | undefined,
): { [K in keyof T]?: NonNullable<T[K]> } | undefined {
  if (value == null) return undefined;
  const entries = Object.entries(value).filter(([, v]) => v !== null && v !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as { [K in keyof T]?: NonNullable<T[K]> });
}

// ─── Zod issues → intake errors ────────────────────────────────────────────────────────────────────────────────────

/** `photos[2].data` from ['photos', 2, 'data']. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

/** The raw value at a path, to tell a missing field from a wrong one. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const TYPE_NAMES: Record<string, [string, string]> = {
  string: ['字符串', 'a string'],
  number: ['数字', 'a number'],
  int: ['整数', 'an integer'],
  boolean: ['布尔值', 'a boolean'],
  object: ['对象', 'an object'],
  array: ['数组', 'an array'],
};

/** What a format error means, per field (array indices as [*]). */
const FORMAT_HINTS: Record<string, [string, string]> = {
  idempotencyKey: [
    `须为 ${IDEMPOTENCY_KEY_MIN_CHARS}–${IDEMPOTENCY_KEY_MAX_CHARS} 个可见 ASCII 字符（字母、数字、符号，不含空格）`,
    `must be ${IDEMPOTENCY_KEY_MIN_CHARS}–${IDEMPOTENCY_KEY_MAX_CHARS} visible ASCII characters (letters, digits, symbols; no spaces)`,
  ],
  categoryCode: [
    '须为 6 位数字的三级事项分类代码，如 010101',
    'must be a six-digit level-3 category code, e.g. 010101',
  ],
  'reporter.phone': [
    `须为电话号码：数字，可带开头的 + 及空格、括号、连字符，最多 ${MAX_PHONE_CHARS} 个字符`,
    `must be a phone number: digits, an optional leading +, spaces, brackets, hyphens; at most ${MAX_PHONE_CHARS} characters`,
  ],
  'reporter.email': ['须为电子邮箱地址', 'must be an e-mail address'],
  'photos[*].url': [
    '须为 http(s) 地址：只含可见 ASCII 字符，不含用户名和密码',
    'must be an http(s) URL: visible ASCII only, no user name or password',
  ],
  'source.deviceId': [
    `须为 1–${MAX_SOURCE_ID_CHARS} 个可见 ASCII 字符`,
    `must be 1–${MAX_SOURCE_ID_CHARS} visible ASCII characters`,
  ],
  'source.eventId': [
    `须为 1–${MAX_SOURCE_ID_CHARS} 个可见 ASCII 字符`,
    `must be 1–${MAX_SOURCE_ID_CHARS} visible ASCII characters`,
  ],
  'source.eventType': [
    '须为小写字母开头、由小写字母、数字和下划线组成的代码',
    'must be a code of lower-case letters, digits and underscores, starting with a letter',
  ],
};

/** One zod issue as intake errors (an unknown-keys issue names each key). */
function issueToErrors(issue: z.core.$ZodIssue, raw: unknown): IntakeError[] {
  const path = formatPath(issue.path);
  const error = (found: Problem, at = path): IntakeError => ({ path: at, ...found });
  switch (issue.code) {
    case 'custom': {
      const intake = (issue.params as { intake?: Problem } | undefined)?.intake;
      return [error(intake ?? problem('bad-format', '格式不正确', issue.message))];
    }
    case 'invalid_type': {
      if (issue.path.length === 0) {
        return [error(problem('not-an-object', '请求体须为 JSON 对象', 'the body must be a JSON object'))];
      }
      const value = valueAt(raw, issue.path);
      if (value === undefined || value === null) {
        if (path === 'location') {
          return [error(problem('no-location', '缺少位置（location）', 'the location is missing'))];
        }
        return [error(problem('required', '缺少必填字段', 'this field is required'))];
      }
      const [zh, en] = TYPE_NAMES[issue.expected] ?? [issue.expected, issue.expected];
      return [error(problem('wrong-type', `类型错误：应为${zh}`, `wrong type: expected ${en}`))];
    }
    case 'too_big':
      if (issue.origin === 'array') {
        const max = Number(issue.maximum);
        return [error(problem('too-many', `过多：最多 ${max} 项`, `too many: at most ${max}`))];
      }
      if (issue.origin === 'string') return [error(tooLongProblem(Number(issue.maximum)))];
      return [
        error(problem('out-of-range', `不能大于 ${String(issue.maximum)}`, `must be at most ${String(issue.maximum)}`)),
      ];
    case 'too_small':
      if (issue.origin === 'number' || issue.origin === 'int') {
        const min = String(issue.minimum);
        return [error(problem('out-of-range', `不能小于 ${min}`, `must be at least ${min}`))];
      }
      return [error(problem('empty', '不能为空', 'must not be empty'))];
    case 'invalid_format': {
      const key = path.replace(/\[\d+\]/g, '[*]');
      const [zh, en] = FORMAT_HINTS[key] ?? ['格式不正确', 'invalid format'];
      return [error(problem('bad-format', zh, en))];
    }
    case 'invalid_value': {
      const values = issue.values.map(String).join(', ');
      return [error(problem('unknown-value', `取值无效，可选：${values}`, `not a valid value; one of: ${values}`))];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) =>
        error(
          problem('unknown-field', '协议中没有此字段', 'this protocol has no such field'),
          path === '' ? key : `${path}.${key}`,
        ),
      );
    default:
      return [error(problem('bad-format', '格式不正确', issue.message))];
  }
}
