/**
 * SIMULATOR — simulated grid workers file patrol reports over their own sockets, as a real phone does (hub/README.md,
 * "report"): a UUID as the idempotency key, a finding from PATROL_FINDINGS, a point inside the worker's own grid with
 * the grid's names as the address, sometimes a tiny photo. At a steady rate for the whole slice of workers, from a
 * worker that is connected at that moment. The answer is counted (filed, duplicate, refused; each kind of refusal
 * kept once for the log); a lost answer (no acknowledgement in time), `busy` and `log-unavailable` are retried with
 * the same key and body, so a retry after a lost answer is the same ticket (`duplicate: true`).
 */
import { randomUUID } from 'node:crypto';
import type { PatrolReport, WorkerReportAck } from '../../shared/protocol/hub-protocol';
import type { SimWorker } from './city-workers';
import { Pacer } from './report-pacer';
import type { ReportPlaces } from './report-places';
import { PATROL_FINDINGS } from './report-texts';
import { tinyPng } from './tiny-image';

export interface PatrolReportCounts {
  /** New reports sent (each once, however often it was retried). */
  sent: number;
  /** Filed as a new ticket. */
  ok: number;
  /** Answered `duplicate: true` (a retry of a report the hub had filed). */
  duplicate: number;
  /** Refused for good. */
  refused: number;
  /** Sends again with the same key, after a lost answer, `busy` or `log-unavailable`. */
  retries: number;
  /** Given up after the last retry without an answer. */
  lost: number;
  /** Moments when no worker of the slice was connected to report. */
  idle: number;
}

export const emptyPatrolCounts = (): PatrolReportCounts => ({
  sent: 0,
  ok: 0,
  duplicate: 0,
  refused: 0,
  retries: 0,
  lost: 0,
  idle: 0,
});

/** The first refusal of a kind: its code and what the hub said. */
export interface PatrolRefusal {
  code: string;
  message: string;
}

/**
 * Sends a report from worker `i` if it is connected (false if not); `done` gets the hub's answer, or undefined when
 * none came in time (a lost answer).
 */
export type SendPatrolReport = (
  i: number,
  body: PatrolReport,
  done: (answer: WorkerReportAck | undefined) => void,
) => boolean;

export interface PatrolReporterOptions {
  /** Reports per minute from this slice of workers (0: none). */
  ratePerMin: number;
  workers: readonly SimWorker[];
  connected: (i: number) => boolean;
  send: SendPatrolReport;
  places: ReportPlaces;
  random: () => number;
  /** Wait before the k-th retry: k × this (default 2000 ms). */
  retryDelayMs?: number;
  /** Sends of one report at most, the first included (default 5). */
  maxAttempts?: number;
  /** Share of reports with a small photo (default 0.3). */
  photoShare?: number;
}

/** The answers worth sending the same report again for: nothing was filed. */
const RETRYABLE = new Set(['busy', 'log-unavailable']);

export function patrolReportBody(
  place: { lng: number; lat: number; address?: string },
  random: () => number,
  photoShare = 0.3,
): PatrolReport {
  const finding = PATROL_FINDINGS[Math.floor(random() * PATROL_FINDINGS.length)]!;
  const body: PatrolReport = {
    idempotencyKey: randomUUID(),
    text: finding.text,
    categoryCode: finding.code,
    location: { lng: place.lng, lat: place.lat },
  };
  if (place.address) body.address = place.address;
  if (random() < photoShare) {
    // A thumbnail, as a phone sends over the socket (the frame limit keeps full-size photos off it).
    body.photos = [{ mediaType: 'image/png', data: tinyPng(Math.floor(random() * 1e6), 24, 18).toString('base64') }];
  }
  return body;
}

export class PatrolReporter {
  readonly counts = emptyPatrolCounts();
  private readonly pacer: Pacer;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly refusalKinds = new Set<string>();
  private newRefusals: PatrolRefusal[] = [];
  private stopped = false;

  constructor(private readonly options: PatrolReporterOptions) {
    this.pacer = new Pacer(options.ratePerMin, options.random, () => this.report());
  }

  start(): void {
    if (this.options.workers.length > 0) this.pacer.start();
  }

  /** Stops sending; retries not yet made are dropped. */
  stop(): void {
    this.stopped = true;
    this.pacer.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Refusal kinds seen for the first time since the last call. */
  takeRefusals(): PatrolRefusal[] {
    return this.newRefusals.splice(0);
  }

  /** One report now, from a connected worker picked at random (exposed for tests). */
  report(): boolean {
    const { workers, connected, random } = this.options;
    let worker = -1;
    for (let tries = 0; tries < 32 && worker < 0; tries++) {
      const i = Math.floor(random() * workers.length);
      if (connected(i)) worker = i;
    }
    if (worker < 0) {
      this.counts.idle++;
      return false;
    }
    const { g } = workers[worker]!;
    const place = this.options.places.inGrid(g.at(-1)!, random) ?? this.options.places.anywhere(random);
    const body = patrolReportBody(place, random, this.options.photoShare);
    this.counts.sent++;
    this.attempt(worker, body, 1);
    return true;
  }

  private attempt(worker: number, body: PatrolReport, attempt: number): void {
    if (this.stopped) return;
    if (attempt > 1) this.counts.retries++;
    const sent = this.options.send(worker, body, (answer) => this.answered(worker, body, attempt, answer));
    // Not connected at the moment: as a phone keeps it in its outbox, try again later.
    if (!sent) this.again(worker, body, attempt);
  }

  private answered(worker: number, body: PatrolReport, attempt: number, answer: WorkerReportAck | undefined): void {
    if (answer === undefined) {
      this.again(worker, body, attempt);
      return;
    }
    if (answer.ok) {
      if (answer.duplicate) this.counts.duplicate++;
      else this.counts.ok++;
      return;
    }
    const first = answer.errors[0];
    const code = first?.code ?? 'unknown';
    if (RETRYABLE.has(code)) {
      this.again(worker, body, attempt);
      return;
    }
    this.counts.refused++;
    if (!this.refusalKinds.has(code)) {
      this.refusalKinds.add(code);
      this.newRefusals.push({
        code,
        message: first ? `${first.path || '-'}: ${first.zh} / ${first.en}` : 'no reason given',
      });
    }
  }

  private again(worker: number, body: PatrolReport, attempt: number): void {
    if (this.stopped) return;
    if (attempt >= (this.options.maxAttempts ?? 5)) {
      this.counts.lost++;
      return;
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.attempt(worker, body, attempt + 1);
      },
      (this.options.retryDelayMs ?? 2000) * attempt,
    );
    this.timers.add(timer);
  }
}
