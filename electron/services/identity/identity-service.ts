/**
 * Operators, sign-in and sessions over the store (migration 0008). Writes that read first run as IMMEDIATE
 * transactions: another connection (the city generator's worker, an import) may write meanwhile, and a deferred
 * transaction that upgrades from read to write then fails at once (SQLITE_BUSY_SNAPSHOT) instead of waiting. The
 * console's host, the command line, the sign-in screen and the access gate all go through this class; nothing else
 * touches the identity tables.
 *
 * Sign-in answers an unknown username exactly like a wrong password: same error, same scrypt cost (a decoy hash is
 * verified), same throttle. Attempts on one username run one after another, so parallel guesses cannot overtake the
 * lock.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { OperatorRole, OperatorScope } from '../../../shared/domain/operator-roles';
import type { Logger } from '../../host/logger';
import type { Store } from '../store/store';
import { INVALID_CREDENTIALS, IdentityError } from './identity-error';
import {
  LocalIdentityProvider,
  OidcIdentityProvider,
  type Credentials,
  type IdentityProvider,
} from './identity-provider';
import {
  DEFAULT_IDENTITY_POLICY,
  parseIdentityPolicy,
  readIdentityPolicy,
  writeIdentityPolicy,
  type IdentityPolicy,
} from './identity-policy';
import { LoginThrottle } from './login-throttle';
import {
  OPERATOR_COLUMNS,
  checkScope,
  normaliseUsername,
  operatorFromRow,
  parseDisplayName,
  parseRole,
  parseUsername,
  scopeFromCode,
  scopeName,
  type Operator,
  type OperatorRow,
} from './operator-records';
import {
  DEFAULT_SCRYPT,
  encodePasswordHash,
  hashPassword,
  needsRehash,
  verifyPassword,
  type ScryptParams,
} from './password-hash';
import { checkPasswordPolicy } from './password-policy';
import { SessionStore, type SessionGrant } from './sessions';

export interface IdentityServiceOptions {
  /** The clock (epoch ms); tests move it. */
  now?: () => number;
  /** scrypt cost for new hashes; tests lower it. Defaults to `DEFAULT_SCRYPT`. */
  scrypt?: ScryptParams;
  /** The OpenID Connect registration, when the deployment has one (see identity-provider.ts). */
  oidc?: unknown;
  log?: Logger;
}

export interface NewOperator {
  username: string;
  displayName: string;
  role: OperatorRole;
  /** Defaults to the whole city. */
  scope?: OperatorScope;
  password: string;
}

export interface OperatorChanges {
  displayName?: string;
  role?: OperatorRole;
  scope?: OperatorScope;
}

export interface OperatorListing extends Operator {
  /** The scope's current name in the city, null for the whole city or a code the city no longer has. */
  scopeName: string | null;
  /** When the sign-in lock ends, or null. */
  lockedUntil: number | null;
  activeSessions: number;
}

export interface SignIn extends SessionGrant {
  operator: Operator;
  /** The UI's screen lock, from the policy, so the window need not ask again. */
  screenLockIdleMs: number;
}

const SILENT: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export class IdentityService {
  readonly sessions: SessionStore;
  private readonly db: Database;
  private readonly now: () => number;
  private readonly scrypt: ScryptParams;
  private readonly log: Logger;
  private readonly throttle: LoginThrottle;
  private readonly providers: { local: LocalIdentityProvider; oidc: OidcIdentityProvider };
  /** Per-username queue of sign-in attempts. */
  private readonly attempts = new Map<string, Promise<unknown>>();

  constructor(store: Pick<Store, 'writer'>, options: IdentityServiceOptions = {}) {
    this.db = store.writer;
    this.now = options.now ?? Date.now;
    this.scrypt = { ...(options.scrypt ?? DEFAULT_SCRYPT) };
    this.log = options.log ?? SILENT;
    this.throttle = new LoginThrottle(this.db);
    this.sessions = new SessionStore(this.db, this.now, () => this.getPolicy());
    this.providers = {
      local: new LocalIdentityProvider((username, password) => this.checkPassword(username, password)),
      oidc: new OidcIdentityProvider(options.oidc),
    };
    if (!this.db.prepare('SELECT 1 FROM identity_policy WHERE id = 1').get()) {
      writeIdentityPolicy(this.db, DEFAULT_IDENTITY_POLICY, this.now());
    }
  }

  // ── first start ──────────────────────────────────────────────────────────────────────────────────────────────

  /** True until an administrator exists (enabled or not): the console must run its setup step first. */
  needsSetup(): boolean {
    return !this.db.prepare("SELECT 1 FROM operators WHERE role = 'administrator' LIMIT 1").get();
  }

  /** Creates the first administrator; refused (`setup-done`) once one exists. There is no default password. */
  async setupFirstAdministrator(input: { username: string; displayName: string; password: string }): Promise<Operator> {
    if (!this.needsSetup()) throw setupDone();
    const operator = await this.insertOperator({ ...input, role: 'administrator' }, () => {
      // Checked again inside the write: another setup may have finished while the password was hashed.
      if (!this.needsSetup()) throw setupDone();
    });
    this.log.info('identity.setup', { username: operator.username });
    return operator;
  }

  // ── operators ────────────────────────────────────────────────────────────────────────────────────────────────

  async addOperator(input: NewOperator): Promise<Operator> {
    const operator = await this.insertOperator(input);
    this.log.info('identity.operator-added', { username: operator.username, role: operator.role });
    return operator;
  }

  /**
   * Validates a new operator's name, role and scope (and that the name is free) without creating it: a form or the
   * command line can refuse bad input before asking for a password. Returns the normalised values.
   */
  checkNewOperator(input: Omit<NewOperator, 'password'>): Required<Omit<NewOperator, 'password'>> {
    const username = parseUsername(input.username);
    const displayName = parseDisplayName(input.displayName);
    const role = parseRole(input.role);
    const scope = checkScope(this.db, role, input.scope ?? { kind: 'city' });
    if (this.exists(username)) throw taken(username);
    return { username, displayName, role, scope };
  }

  getOperator(username: string): Operator {
    return operatorFromRow(this.row(username));
  }

  listOperators(): OperatorListing[] {
    const rows = this.db.prepare(`SELECT ${OPERATOR_COLUMNS} FROM operators ORDER BY username`).all() as OperatorRow[];
    const now = this.now();
    const countSessions = this.db.prepare(
      'SELECT count(*) FROM sessions WHERE operator_id = ? AND expires_at > ? AND last_seen_at > ?',
    );
    const idleSince = now - this.getPolicy().sessionIdleMs;
    return rows.map((row) => {
      const operator = operatorFromRow(row);
      return {
        ...operator,
        scopeName: scopeName(this.db, operator.scope),
        lockedUntil: this.throttle.state(operator.username, now).lockedUntil,
        activeSessions: countSessions.pluck().get(operator.id, now, idleSince) as number,
      };
    });
  }

  /** Changes name, role or scope; a new role or scope ends the operator's sessions (their authority changed). */
  updateOperator(username: string, changes: OperatorChanges): Operator {
    const current = operatorFromRow(this.row(username));
    const displayName = changes.displayName === undefined ? current.displayName : parseDisplayName(changes.displayName);
    const role = changes.role === undefined ? current.role : parseRole(changes.role);
    const scope = checkScope(
      this.db,
      role,
      changes.scope ?? (changes.role === undefined ? current.scope : { kind: 'city' }),
    );
    const authorityChanged = role !== current.role || JSON.stringify(scope) !== JSON.stringify(current.scope);
    this.db
      .transaction(() => {
        if (current.role === 'administrator' && role !== 'administrator') this.keepAnAdministrator(current.id);
        this.db
          .prepare(
            'UPDATE operators SET display_name = ?, role = ?, scope_kind = ?, scope_code = ?, updated_at = ? WHERE id = ?',
          )
          .run(displayName, role, scope.kind, scope.kind === 'city' ? null : scope.code, this.now(), current.id);
        if (authorityChanged) this.sessions.revokeAllFor(current.id);
      })
      .immediate();
    this.log.info('identity.operator-updated', { username: current.username, role, scope });
    return this.getOperator(current.username);
  }

  /** Disabling ends every session of the operator at once; the last enabled administrator cannot be disabled. */
  setDisabled(username: string, disabled: boolean): Operator {
    const current = operatorFromRow(this.row(username));
    this.db
      .transaction(() => {
        if (disabled && current.role === 'administrator') this.keepAnAdministrator(current.id);
        this.db
          .prepare('UPDATE operators SET disabled = ?, updated_at = ? WHERE id = ?')
          .run(disabled ? 1 : 0, this.now(), current.id);
        if (disabled) this.sessions.revokeAllFor(current.id);
      })
      .immediate();
    this.log.info(disabled ? 'identity.operator-disabled' : 'identity.operator-enabled', {
      username: current.username,
    });
    return this.getOperator(current.username);
  }

  /** A new password (policy-checked); ends the operator's sessions and lifts a sign-in lock. */
  async resetPassword(username: string, password: string): Promise<Operator> {
    const current = operatorFromRow(this.row(username));
    checkPasswordPolicy(password, current.username);
    const hash = await hashPassword(password, this.scrypt);
    this.db
      .transaction(() => {
        this.db
          .prepare('UPDATE operators SET password_hash = ?, updated_at = ? WHERE id = ?')
          .run(hash, this.now(), current.id);
        this.sessions.revokeAllFor(current.id);
        this.throttle.clear(current.username);
      })
      .immediate();
    this.log.info('identity.password-reset', { username: current.username });
    return this.getOperator(current.username);
  }

  /** Lifts a sign-in lock (and forgets the failures); false when the username was not locked or throttled. */
  unlock(username: string): boolean {
    const key = parseUsername(username);
    const cleared = this.throttle.clear(key);
    this.log.info('identity.unlocked', { username: key, cleared });
    return cleared;
  }

  /** The scope a single code means for a role (see `scopeFromCode`), for forms and the command line. */
  scopeFromCode(role: OperatorRole, code: string | undefined): OperatorScope {
    return scopeFromCode(this.db, parseRole(role), code);
  }

  // ── sign-in ──────────────────────────────────────────────────────────────────────────────────────────────────

  providerFor(kind: Credentials['kind']): IdentityProvider {
    return kind === 'password' ? this.providers.local : this.providers.oidc;
  }

  describeProviders(): ReturnType<IdentityProvider['describe']>[] {
    return [this.providers.local.describe(), this.providers.oidc.describe()];
  }

  /** Authenticates through the provider the credentials are for and opens a session. */
  async signIn(credentials: Credentials): Promise<SignIn> {
    const provider = this.providerFor(credentials.kind);
    const operator = await provider.authenticate(credentials);
    const grant = this.sessions.create(operator.id, provider.kind);
    this.log.info('identity.signed-in', {
      username: operator.username,
      provider: provider.kind,
      session: grant.session.id,
    });
    return { ...grant, operator, screenLockIdleMs: this.getPolicy().screenLockIdleMs };
  }

  /** Signs out one session. */
  signOut(token: unknown): boolean {
    return this.sessions.revoke(token);
  }

  /** Ends every session of an operator (by username). */
  revokeAllFor(username: string): number {
    return this.sessions.revokeAllFor(operatorFromRow(this.row(username)).id);
  }

  /** The screen lock's idle time, for the UI. */
  screenLockIdleMs(): number {
    return this.getPolicy().screenLockIdleMs;
  }

  // ── policy ───────────────────────────────────────────────────────────────────────────────────────────────────

  getPolicy(): IdentityPolicy {
    return readIdentityPolicy(this.db);
  }

  updatePolicy(changes: Partial<IdentityPolicy>): IdentityPolicy {
    const next = parseIdentityPolicy({ ...this.getPolicy(), ...changes });
    writeIdentityPolicy(this.db, next, this.now());
    this.log.info('identity.policy-updated', { ...next });
    return next;
  }

  /** Deletes ended sessions and stale throttle rows; the host may call it now and then. */
  prune(): { sessions: number; throttle: number } {
    return { sessions: this.sessions.prune(), throttle: this.throttle.prune(this.getPolicy(), this.now()) };
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────────────────────

  /** The local provider's check: throttle, scrypt, one answer for unknown and wrong. */
  private checkPassword(typedUsername: string, password: string): Promise<Operator> {
    const key = normaliseUsername(String(typedUsername));
    const previous = this.attempts.get(key) ?? Promise.resolve();
    const attempt = previous.then(
      () => this.attempt(key, String(password)),
      () => this.attempt(key, String(password)),
    );
    this.attempts.set(key, attempt);
    const forget = (): void => {
      if (this.attempts.get(key) === attempt) this.attempts.delete(key);
    };
    attempt.then(forget, forget);
    return attempt;
  }

  private async attempt(key: string, password: string): Promise<Operator> {
    const policy = this.getPolicy();
    const { lockedUntil } = this.throttle.state(key, this.now());
    if (lockedUntil !== null) throw this.lockedError(lockedUntil, false);

    const row = this.db
      .prepare(`SELECT ${OPERATOR_COLUMNS}, password_hash FROM operators WHERE username = ?`)
      .get(key) as (OperatorRow & { password_hash: string }) | undefined;
    // An unknown name costs one scrypt too: a decoy hash with the current parameters, which nothing matches.
    const hash = row?.password_hash ?? this.decoyHash();
    const matches = await verifyPassword(password, hash);

    if (!row || !matches) {
      const locked = this.throttle.recordFailure(key, policy, this.now());
      this.log.warn('identity.sign-in-failed', { username: row ? row.username : '(unknown)', locked: locked !== null });
      if (locked !== null) throw this.lockedError(locked, true);
      throw new IdentityError('invalid-credentials', INVALID_CREDENTIALS);
    }
    const operator = operatorFromRow(row);
    if (operator.disabled) {
      this.log.warn('identity.sign-in-disabled', { username: operator.username });
      throw new IdentityError('disabled', 'This account has been disabled; ask an administrator.');
    }
    this.throttle.clear(key);
    if (needsRehash(hash, this.scrypt)) {
      // The defaults were raised since this password was set: store it at today's cost.
      const upgraded = await hashPassword(password, this.scrypt);
      this.db.prepare('UPDATE operators SET password_hash = ? WHERE id = ?').run(upgraded, operator.id);
    }
    return operator;
  }

  private decoyHash(): string {
    return encodePasswordHash({ params: this.scrypt, salt: randomBytes(16), key: randomBytes(32) });
  }

  private lockedError(lockedUntil: number, justNow: boolean): IdentityError {
    const minutes = Math.max(1, Math.ceil((lockedUntil - this.now()) / 60_000));
    const lead = justNow ? `${INVALID_CREDENTIALS} ` : '';
    return new IdentityError(
      'locked',
      `${lead}Too many failed sign-ins for this username: it is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}. ` +
        'An administrator can unlock it.',
      { lockedUntil },
    );
  }

  private async insertOperator(input: NewOperator, guard?: () => void): Promise<Operator> {
    const { username, displayName, role, scope } = this.checkNewOperator(input);
    checkPasswordPolicy(String(input.password), username);
    const hash = await hashPassword(String(input.password), this.scrypt);
    const now = this.now();
    const id = this.db
      .transaction(() => {
        guard?.();
        if (this.exists(username)) throw taken(username);
        return this.db
          .prepare(
            `INSERT INTO operators (username, display_name, role, scope_kind, scope_code, password_hash, disabled,
                                  created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`,
          )
          .run(username, displayName, role, scope.kind, scope.kind === 'city' ? null : scope.code, hash, now, now)
          .lastInsertRowid;
      })
      .immediate();
    return operatorFromRow(
      this.db.prepare(`SELECT ${OPERATOR_COLUMNS} FROM operators WHERE id = ?`).get(id) as OperatorRow,
    );
  }

  private exists(username: string): boolean {
    return this.db.prepare('SELECT 1 FROM operators WHERE username = ?').get(username) !== undefined;
  }

  private row(username: string): OperatorRow {
    const key = parseUsername(username);
    const row = this.db.prepare(`SELECT ${OPERATOR_COLUMNS} FROM operators WHERE username = ?`).get(key) as
      OperatorRow | undefined;
    if (!row) throw new IdentityError('not-found', `No operator is named ${JSON.stringify(key)}.`);
    return row;
  }

  /** Refuses a change that would leave no enabled administrator (call inside the write's transaction). */
  private keepAnAdministrator(leaving: number): void {
    const others = this.db
      .prepare("SELECT count(*) FROM operators WHERE role = 'administrator' AND disabled = 0 AND id != ?")
      .pluck()
      .get(leaving) as number;
    if (others === 0) {
      throw new IdentityError(
        'last-administrator',
        'This is the last enabled administrator: add or enable another administrator first.',
      );
    }
  }
}

const setupDone = (): IdentityError =>
  new IdentityError('setup-done', 'The first administrator exists already; ask an administrator for an account.');
const taken = (username: string): IdentityError =>
  new IdentityError('conflict', `The username ${JSON.stringify(username)} is taken.`);
