/**
 * SIMULATOR — citizens reporting to the city: posts to the hub's HTTP intake (hub/README.md, "The intake") as the 12345
 * hotline platform and 郑好拍 would, with the intake keys the hub generated (hub-secrets.json `intakeKeys`: key →
 * channel). At a steady rate of new reports (report-pacer.ts), each on one of the two channels: a citizen's words
 * from CITIZEN_REPORTS with its category, a point inside a micro-grid of the console's store (with the grid's names as
 * the address where the citizen gave one) or in the urban core inside the city outline, an `Idempotency-Key`; the
 * hotline's with the caller's name and number as its operators record them, 郑好拍's with a small generated photo.
 *
 * On top of the rate: now and then (`retryShare`, 5%) the previous post is sent again with the same key, as a sender
 * does after a lost answer — the intake must answer 200 `duplicate: true` — and rarely (`echoShare`, 3%) a second
 * citizen reports the same event on the other channel 20–40 m away a little later, so the console's duplicate-merge
 * suggestion has something to suggest. Answers are counted; each kind of refusal is logged once.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { INTAKE_CHANNELS, type IntakeInput } from '../../shared/protocol/intake';
import { Pacer, checkRate, prng } from './report-pacer';
import { reportPlaces, type ReportPlace, type ReportPlaces } from './report-places';
import { CITIZEN_REPORTS, ECHO_OPENERS } from './report-texts';
import { tinyPng } from './tiny-image';

/** The channels citizens report on, and the share of new reports each takes. */
export const CITIZEN_CHANNELS = ['hotline_12345', 'zhenghaopai'] as const;
export type CitizenChannel = (typeof CITIZEN_CHANNELS)[number];
const HOTLINE_SHARE = 0.55;

export interface CitizenReportsOptions {
  /** The hub's base URL (http://127.0.0.1:5180). */
  hub: string;
  /** The intake's keys, key → channel (hub-secrets.json `intakeKeys`); one for each citizen channel used. */
  intakeKeys: Record<string, string>;
  /** New reports per minute (0: none). */
  ratePerMin: number;
  /** A console's data directory: places inside its micro-grids, with addresses; else the urban core. */
  city?: string;
  /** Where the city outline is (default: the repository's resources/). */
  resourcesDir?: string;
  seed?: number;
  /** Share of new reports sent a second time with the same key (default 0.05). */
  retryShare?: number;
  /** Share of new reports a second citizen reports again on the other channel, 20–40 m away (default 0.03). */
  echoShare?: number;
  /** The deliberate retry follows its post after this many ms, spread (default [1000, 4000]). */
  retryDelayMs?: readonly [number, number];
  /** The second citizen reports after this many ms, spread (default [5000, 30000]). */
  echoDelayMs?: readonly [number, number];
  /** A post without an answer in this long is abandoned (default 15,000 ms). */
  requestTimeoutMs?: number;
  /** Progress and refusal lines (default: stderr, prefixed). */
  log?: (line: string) => void;
  /** A progress line this often while anything changed (default 60,000 ms; 0: none). */
  progressIntervalMs?: number;
}

export interface CitizenReportCounts {
  /** New reports posted (retries and echoes not included). */
  posted: number;
  /** Answered 201: a new ticket. */
  accepted: number;
  /** Deliberate retries of a post, with the same key. */
  retries: number;
  /** Answered 200 `duplicate: true` (what a retry must get). */
  duplicates: number;
  /** Second reports of an event, from the other channel. */
  echoes: number;
  /** Refused by the intake (4xx/5xx). */
  refused: number;
  /** No answer: the hub unreachable or too slow. */
  failed: number;
  /** New reports by channel. */
  byChannel: Record<CitizenChannel, number>;
}

/** One post as it was made (the last few are kept for tests and the log). */
export interface CitizenPost {
  kind: 'new' | 'retry' | 'echo';
  channel: CitizenChannel;
  key: string;
  body: IntakeInput;
  status?: number;
  answer?: { id?: string; duplicate?: boolean; errors?: { code?: string }[] };
}

export interface CitizenReports {
  counts(): CitizenReportCounts;
  /** The latest posts, oldest first (at most 200). */
  posts(): readonly CitizenPost[];
  /** Stops: no new posts; waits for those in flight (aborted after a grace period). Resolves with the counts. */
  stop(): Promise<CitizenReportCounts>;
  /** Resolves once stopped. */
  done: Promise<CitizenReportCounts>;
}

const KEEP_POSTS = 200;
const STOP_GRACE_MS = 3000;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭'];

/** The intake keys, key → channel: from GRIDLINE_HUB_INTAKE_KEYS (JSON), else the hub's hub-secrets.json. */
export function resolveIntakeKeys(source: { env?: string; secretsFile?: string }): Record<string, string> {
  let keys: unknown;
  let where: string;
  if (source.env) {
    where = 'GRIDLINE_HUB_INTAKE_KEYS';
    try {
      keys = JSON.parse(source.env);
    } catch (error) {
      throw new Error(`${where} is not JSON (${String(error)})`, { cause: error });
    }
  } else if (source.secretsFile) {
    where = `--secrets: ${source.secretsFile}`;
    if (!existsSync(source.secretsFile)) throw new Error(`${where} does not exist`);
    try {
      keys = (JSON.parse(readFileSync(source.secretsFile, 'utf8')) as { intakeKeys?: unknown } | null)?.intakeKeys;
    } catch (error) {
      throw new Error(`${where} is not JSON (${String(error)})`, { cause: error });
    }
  } else {
    throw new Error(
      'no intake keys: set GRIDLINE_HUB_INTAKE_KEYS, or pass --secrets FILE (the hub-secrets.json that `npm run hub` ' +
        'writes into its data directory)',
    );
  }
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
    throw new Error(`${where} has no "intakeKeys" (expected {"intakeKeys": {"KEY": "hotline_12345", …}})`);
  }
  return Object.fromEntries(
    Object.entries(keys as Record<string, unknown>).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/** The key of each citizen channel that has one. */
export function citizenKeys(intakeKeys: Record<string, string>): Partial<Record<CitizenChannel, string>> {
  const keys: Partial<Record<CitizenChannel, string>> = {};
  for (const [key, channel] of Object.entries(intakeKeys)) {
    if ((CITIZEN_CHANNELS as readonly string[]).includes(channel)) keys[channel as CitizenChannel] ??= key;
  }
  return keys;
}

const spread = (range: readonly [number, number], u: number): number => range[0] + u * (range[1] - range[0]);
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** The hotline's own work-order number style: 12345-YYYYMMDD-RUN-NNNNNN (unique across runs by the run's id). */
function hotlineKey(run: string, n: number, at: Date): string {
  const day = `${at.getFullYear()}${pad(at.getMonth() + 1, 2)}${pad(at.getDate(), 2)}`;
  return `12345-${day}-${run}-${pad(n, 6)}`;
}

export function startCitizenReports(options: CitizenReportsOptions): CitizenReports {
  checkRate(options.ratePerMin, 'the citizen report rate');
  const log = options.log ?? ((line: string) => void process.stderr.write(`[SIMULATOR citizen reports] ${line}\n`));
  const keys = citizenKeys(options.intakeKeys);
  const channels = CITIZEN_CHANNELS.filter((channel) => keys[channel] !== undefined);
  if (channels.length === 0) {
    throw new Error(
      `no intake key for ${CITIZEN_CHANNELS.join(' or ')} (the hub's hub-secrets.json intakeKeys has one per channel: ` +
        `${INTAKE_CHANNELS.join(', ')})`,
    );
  }
  const url = `${options.hub.replace(/\/+$/, '')}/intake/v1/reports`;
  const random = prng((options.seed ?? 1) * 7_368_787 + 5);
  const places: ReportPlaces = reportPlaces(options.city, options.resourcesDir);
  const retryShare = options.retryShare ?? 0.05;
  const echoShare = options.echoShare ?? 0.03;
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const run = randomUUID().slice(0, 8);
  let hotlineNumber = 0;

  const counts: CitizenReportCounts = {
    posted: 0,
    accepted: 0,
    retries: 0,
    duplicates: 0,
    echoes: 0,
    refused: 0,
    failed: 0,
    byChannel: { hotline_12345: 0, zhenghaopai: 0 },
  };
  const recent: CitizenPost[] = [];
  const refusalKinds = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  const aborts = new Set<AbortController>();
  let stopped = false;

  const pickChannel = (): CitizenChannel =>
    channels.length === 1 ? channels[0]! : random() < HOTLINE_SHARE ? 'hotline_12345' : 'zhenghaopai';

  const newKey = (channel: CitizenChannel): string =>
    channel === 'hotline_12345' ? hotlineKey(run, ++hotlineNumber, new Date()) : `zhp-${randomUUID()}`;

  function body(
    channel: CitizenChannel,
    key: string,
    place: ReportPlace,
    said: { text: string; code: string; withAddress?: boolean },
  ): IntakeInput {
    const input: IntakeInput = {
      idempotencyKey: key,
      channel,
      location: { lng: place.lng, lat: place.lat },
      text: said.text,
      categoryCode: said.code,
    };
    if (said.withAddress && place.address) input.address = place.address;
    if (channel === 'hotline_12345') {
      // The operator records the caller, who may not give a name.
      const surname = SURNAMES[Math.floor(random() * SURNAMES.length)]!;
      const phone = `1${3 + Math.floor(random() * 7)}${pad(Math.floor(random() * 1e9), 9)}`;
      input.reporter = random() < 0.7 ? { name: `${surname}${random() < 0.5 ? '女士' : '先生'}`, phone } : { phone };
    } else {
      // A photo taken with the app: a small generated PNG.
      input.photos = [{ mediaType: 'image/png', data: tinyPng(Math.floor(random() * 1e6), 32, 24).toString('base64') }];
    }
    return input;
  }

  function later(range: readonly [number, number], step: () => void): void {
    if (stopped) return;
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        if (!stopped) step();
      },
      spread(range, random()),
    );
    timers.add(timer);
  }

  function remember(post: CitizenPost): void {
    recent.push(post);
    if (recent.length > KEEP_POSTS) recent.splice(0, recent.length - KEEP_POSTS);
  }

  function post(entry: CitizenPost, then?: (entry: CitizenPost) => void): void {
    remember(entry);
    const abort = new AbortController();
    aborts.add(abort);
    const timeout = setTimeout(() => abort.abort(), requestTimeoutMs);
    const sending = (async () => {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Authorization: `Bearer ${keys[entry.channel]!}`,
            'Idempotency-Key': entry.key,
          },
          body: JSON.stringify(entry.body),
          signal: abort.signal,
        });
        entry.status = response.status;
        entry.answer = (await response.json().catch(() => ({}))) as CitizenPost['answer'];
        answered(entry);
        if (entry.status === 201) then?.(entry);
      } catch (error) {
        counts.failed++;
        noteRefusal(`no answer`, `${entry.channel}: ${(error as Error).message}`);
      } finally {
        clearTimeout(timeout);
        aborts.delete(abort);
      }
    })();
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
  }

  function noteRefusal(kind: string, words: string): void {
    if (refusalKinds.has(kind)) return;
    refusalKinds.add(kind);
    log(`${kind}: ${words} (said once for each kind)`);
  }

  function answered(entry: CitizenPost): void {
    const status = entry.status!;
    if (status === 201) counts.accepted++;
    else if (status === 200 && entry.answer?.duplicate === true) counts.duplicates++;
    else {
      counts.refused++;
      const code = entry.answer?.errors?.[0]?.code ?? 'no-reason';
      noteRefusal(`${entry.kind} post refused ${status} ${code}`, `${entry.channel}, key ${entry.key}`);
    }
  }

  /** A new report, and now and then its retry or a second citizen's report of the same event. */
  function report(): void {
    if (stopped) return;
    const channel = pickChannel();
    const said = CITIZEN_REPORTS[Math.floor(random() * CITIZEN_REPORTS.length)]!;
    const place = places.anywhere(random);
    const key = newKey(channel);
    const entry: CitizenPost = { kind: 'new', channel, key, body: body(channel, key, place, said) };
    counts.posted++;
    counts.byChannel[channel]++;
    const retry = random() < retryShare;
    const echo = channels.length > 1 && random() < echoShare;
    post(entry, (accepted) => {
      if (retry) {
        later(options.retryDelayMs ?? [1000, 4000], () => {
          counts.retries++;
          post({ kind: 'retry', channel: accepted.channel, key: accepted.key, body: accepted.body });
        });
      }
      if (echo) {
        later(options.echoDelayMs ?? [5000, 30_000], () => {
          const other: CitizenChannel = channel === 'hotline_12345' ? 'zhenghaopai' : 'hotline_12345';
          const near = places.near(place, 20 + random() * 20, random);
          const opener = ECHO_OPENERS[Math.floor(random() * ECHO_OPENERS.length)]!;
          const otherKey = newKey(other);
          counts.echoes++;
          post({
            kind: 'echo',
            channel: other,
            key: otherKey,
            body: body(other, otherKey, near, { ...said, text: `${opener}${said.text}` }),
          });
        });
      }
    });
  }

  const pacer = new Pacer(options.ratePerMin, random, report);
  pacer.start();
  let lastLine = '';
  const progressMs = options.progressIntervalMs ?? 60_000;
  const progress =
    progressMs > 0
      ? setInterval(() => {
          const line = countsLine(counts);
          if (line !== lastLine) log(line);
          lastLine = line;
        }, progressMs)
      : undefined;
  progress?.unref();
  log(
    `posting about ${options.ratePerMin} citizen reports a minute to ${url} as ${channels.join(' and ')}` +
      (options.city ? `, places from ${options.city}` : ', places in the urban core'),
  );

  let resolveDone: (counts: CitizenReportCounts) => void = () => {};
  const done = new Promise<CitizenReportCounts>((resolve) => (resolveDone = resolve));
  let stopping: Promise<CitizenReportCounts> | undefined;
  function stop(): Promise<CitizenReportCounts> {
    stopping ??= (async () => {
      stopped = true;
      pacer.stop();
      clearInterval(progress);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const grace = setTimeout(() => {
        for (const abort of aborts) abort.abort();
      }, STOP_GRACE_MS);
      await Promise.allSettled([...inFlight]);
      clearTimeout(grace);
      places.close();
      const final = { ...counts, byChannel: { ...counts.byChannel } };
      log(`stopped: ${countsLine(final)}`);
      resolveDone(final);
      return final;
    })();
    return stopping;
  }

  return {
    counts: () => ({ ...counts, byChannel: { ...counts.byChannel } }),
    posts: () => recent.slice(),
    stop,
    done,
  };
}

export function countsLine(counts: CitizenReportCounts): string {
  return (
    `${counts.posted} citizen reports (${counts.byChannel.hotline_12345} 12345, ${counts.byChannel.zhenghaopai} 郑好拍): ` +
    `${counts.accepted} accepted, ${counts.retries} retries → ${counts.duplicates} duplicates, ${counts.echoes} second ` +
    `reports, ${counts.refused} refused, ${counts.failed} without an answer`
  );
}
