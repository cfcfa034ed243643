/**
 * The routing_rules table (migration 0010): append a rule (retiring the one it replaces in the same write), retire
 * one, list them. Checking a draft against the city is the router's job, which holds the lookup tables; whether the
 * operator may add it at all is the access gate's, before the call.
 */
import type Database from 'better-sqlite3';
import { ContractError } from '../../../../shared/contract';
import type { RuleDraft } from './route-types';
import { RULE_COLUMNS, type RuleRow } from './routing-tables';

/** Longest note an operator may attach to a rule. */
export const RULE_NOTE_MAX = 500;

export const RULE_PROBLEMS = [
  'unknown-category',
  'not-a-leaf',
  'unknown-scope',
  'unknown-department',
  'unknown-rule',
  'retired',
  'bad-note',
  'no-operator',
] as const;
export type RuleProblem = (typeof RULE_PROBLEMS)[number];

/** A rule refused: a `refused` contract error (so a handler can pass it on as is) that says which check failed. */
export class RoutingRuleError extends ContractError {
  constructor(
    readonly problem: RuleProblem,
    message: string,
  ) {
    super({ code: 'refused', message });
    this.name = 'RoutingRuleError';
  }
}

/** Appends a checked rule; an active rule for the same category and scope is retired by the same operator first. */
export function insertRule(db: Database.Database, draft: RuleDraft, by: string, at: number): number {
  return db
    .transaction(() => {
      db.prepare(
        `UPDATE routing_rules SET retired_at = ?, retired_by = ?
       WHERE category_code = ? AND scope_kind = ? AND scope_code = ? AND retired_at IS NULL`,
      ).run(at, by, draft.categoryCode, draft.scope.kind, draft.scope.code);
      const { lastInsertRowid } = db
        .prepare(
          `INSERT INTO routing_rules (category_code, scope_kind, scope_code, department_code, note, from_ticket_id,
           created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          draft.categoryCode,
          draft.scope.kind,
          draft.scope.code,
          draft.departmentCode,
          draft.note ?? null,
          draft.fromTicketId ?? null,
          by,
          at,
        );
      return Number(lastInsertRowid);
    })
    .immediate();
}

export function readRule(db: Database.Database, id: number): RuleRow | undefined {
  return db.prepare<[number], RuleRow>(`SELECT ${RULE_COLUMNS} FROM routing_rules WHERE id = ?`).get(id);
}

export function retireRuleRow(db: Database.Database, id: number, by: string, at: number): void {
  db.transaction(() => {
    const row = readRule(db, id);
    if (!row) throw new RoutingRuleError('unknown-rule', `there is no routing rule #${id}`);
    if (row.retiredAt !== null) throw new RoutingRuleError('retired', `routing rule #${id} is already retired`);
    db.prepare('UPDATE routing_rules SET retired_at = ?, retired_by = ? WHERE id = ?').run(at, by, id);
  }).immediate();
}

export function listRuleRows(db: Database.Database, includeRetired: boolean): RuleRow[] {
  return db
    .prepare<[], RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM routing_rules ${includeRetired ? '' : 'WHERE retired_at IS NULL'} ORDER BY id`,
    )
    .all();
}
