/**
 * Every way an identity operation is refused. The message is written for the operator (or the administrator at the
 * command line) and never contains a password, a hash or a session token.
 */
export const IDENTITY_ERROR_CODES = [
  /** Unknown username or wrong password: deliberately one answer for both. */
  'invalid-credentials',
  /** Too many failed sign-ins for this username; the message says until when. */
  'locked',
  /** Right password, but an administrator disabled the account. */
  'disabled',
  /** The new password breaks the password policy; the message lists every rule it breaks. */
  'weak-password',
  /** A malformed username, display name, role, scope or policy value. */
  'invalid',
  'not-found',
  /** The username is taken (case-insensitively). */
  'conflict',
  /** The first administrator exists already: setup runs once. */
  'setup-done',
  /** The change would leave the console with no enabled administrator. */
  'last-administrator',
  /** No session for that token, or it expired (lifetime or idle) or was revoked. */
  'session-invalid',
  /** The identity provider cannot be used in this build or configuration. */
  'provider-unavailable',
] as const;

export type IdentityErrorCode = (typeof IDENTITY_ERROR_CODES)[number];

export class IdentityError extends Error {
  readonly code: IdentityErrorCode;
  /** For `locked`: when the lock ends (epoch ms), so a caller can show a countdown. */
  readonly lockedUntil?: number;

  constructor(code: IdentityErrorCode, message: string, details: { lockedUntil?: number } = {}) {
    super(message);
    this.name = 'IdentityError';
    this.code = code;
    if (details.lockedUntil !== undefined) this.lockedUntil = details.lockedUntil;
  }
}

/** The one answer for an unknown username and a wrong password. */
export const INVALID_CREDENTIALS = 'Unknown username or wrong password.';
