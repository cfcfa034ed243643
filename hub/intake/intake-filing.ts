/**
 * How a report becomes a ticket, whichever road it came by (issue #7): the intake's HTTP endpoints (intake-http.ts:
 * native JSON and Open311) and grid workers' patrol reports over the worker socket (server/hub-server.ts) check it
 * with the same `validateIntake` against the same city outline, clock and taxonomy, and file it through the same
 * idempotent `TicketLog.report`; a new ticket's event goes to the consoles from here. The roads differ only in how
 * they know the sender (an API key, a worker's token) and how they answer.
 */
import { createHash } from 'node:crypto';
import type { TicketEventMessage } from '../../shared/protocol/hub-protocol';
import {
  canonicalIntake,
  idempotencyScope,
  validateIntake,
  type IntakeReport,
  type IntakeResult,
} from '../../shared/protocol/intake';
import type { IntakeResources } from './intake-resources';
import type { TicketLog, TicketStatusRecord } from './ticket-log';

export type IntakeLog = (event: string, fields?: Record<string, unknown>) => void;

export interface IntakeFilingOptions {
  ticketLog: TicketLog;
  resources: IntakeResources;
  log: IntakeLog;
  /** Epoch milliseconds. */
  now: () => number;
  /** A new ticket's event, to hand to the consoles. */
  onTicket: (event: TicketEventMessage) => void;
}

export type FilingOutcome =
  | { ok: true; id: string; seq: number; duplicate: boolean; record: TicketStatusRecord }
  /** The idempotency scope was used for another report before (that report's ticket). */
  | { ok: false; reason: 'idempotency-conflict'; id: string }
  /** The log did not answer: nothing was filed, the sender may retry. */
  | { ok: false; reason: 'log-unavailable' };

export interface IntakeFiling {
  /** `validateIntake` against the hub's city, taxonomy and clock. */
  validate(input: unknown): IntakeResult;
  /**
   * Files a valid report under its idempotency scope (`idempotencyScope` unless the road gives a narrower one), hands
   * a new ticket's event to the consoles, and answers the ticket. Never throws.
   */
  file(report: IntakeReport, scope?: string): Promise<FilingOutcome>;
}

export function createIntakeFiling(options: IntakeFilingOptions): IntakeFiling {
  const { ticketLog, resources, log } = options;
  return {
    validate: (input) =>
      validateIntake(input, {
        insideCity: resources.insideCity,
        now: Math.floor(options.now() / 1000),
        categoryCodes: resources.categoryCodes,
      }),

    async file(report, scope = idempotencyScope(report)) {
      const hash = createHash('sha256').update(canonicalIntake(report)).digest('hex');
      let outcome;
      try {
        outcome = await ticketLog.report(report, scope, hash);
      } catch (error) {
        log('intake.failed', { error: String(error) });
        return { ok: false, reason: 'log-unavailable' };
      }
      if (!outcome.ok) return { ok: false, reason: 'idempotency-conflict', id: outcome.id };
      if (!outcome.duplicate) {
        options.onTicket({ seq: outcome.seq, id: outcome.id, kind: 'reported', at: report.receivedAt, report });
        log('intake.reported', { id: outcome.id, seq: outcome.seq, channel: report.channel });
      }
      return { ok: true, id: outcome.id, seq: outcome.seq, duplicate: outcome.duplicate, record: outcome.status };
    },
  };
}
