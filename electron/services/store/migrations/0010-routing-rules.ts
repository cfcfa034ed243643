import type { Migration } from './migration';

/**
 * Issue #7, dispatch: routing rules an authorised operator adds when a ticket had to be re-routed by hand ("category
 * X in grid or county Y → department Z"). The ticket router consults them before its defaults and names the rule in
 * the ticket's reason.
 *
 * Categories, scopes and departments are held by *code*, not row id: a grids import replaces every county and grid
 * row, and departments keep their codes across it; a rule whose codes no longer resolve is kept and simply not
 * applied. Rules are never edited or deleted, only retired (once), so the history of who routed what where stays
 * readable; at most one rule per category and scope is active, and a newer one retires the older in the same write.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'routing-rules',
  sql: `
CREATE TABLE routing_rules (
  id INTEGER PRIMARY KEY,
  category_code TEXT NOT NULL CHECK (length(category_code) > 0),
  scope_kind TEXT NOT NULL CHECK (scope_kind IN ('grid', 'county')),
  scope_code TEXT NOT NULL CHECK (length(scope_code) > 0),
  department_code TEXT NOT NULL CHECK (length(department_code) > 0),
  note TEXT,
  from_ticket_id INTEGER,
  created_by TEXT NOT NULL CHECK (length(created_by) > 0),
  created_at INTEGER NOT NULL,
  retired_by TEXT,
  retired_at INTEGER,
  CHECK ((retired_at IS NULL) = (retired_by IS NULL))
) STRICT;
CREATE UNIQUE INDEX routing_rules_active ON routing_rules (category_code, scope_kind, scope_code)
  WHERE retired_at IS NULL;

CREATE TRIGGER routing_rules_no_delete BEFORE DELETE ON routing_rules
BEGIN
  SELECT RAISE(ABORT, 'routing_rules is append-only: retire a rule instead');
END;

CREATE TRIGGER routing_rules_retire_only BEFORE UPDATE ON routing_rules
WHEN OLD.retired_at IS NOT NULL
  OR NEW.retired_at IS NULL
  OR NEW.id IS NOT OLD.id
  OR NEW.category_code IS NOT OLD.category_code
  OR NEW.scope_kind IS NOT OLD.scope_kind
  OR NEW.scope_code IS NOT OLD.scope_code
  OR NEW.department_code IS NOT OLD.department_code
  OR NEW.note IS NOT OLD.note
  OR NEW.from_ticket_id IS NOT OLD.from_ticket_id
  OR NEW.created_by IS NOT OLD.created_by
  OR NEW.created_at IS NOT OLD.created_at
BEGIN
  SELECT RAISE(ABORT, 'routing_rules is append-only: a rule can only be retired, once');
END;
`,
};
