/**
 * The password policy (NIST SP 800-63B style: length over composition rules, plus a denylist): at least 12
 * characters, not built on the username, not a common or obvious password. Every broken rule is reported at once, so
 * the operator fixes the password in one go.
 */
import { IdentityError } from './identity-error';

export const MIN_PASSWORD_LENGTH = 12;
/** Long passphrases are welcome; the cap only keeps a pasted novel out of the KDF. */
export const MAX_PASSWORD_LENGTH = 256;

/**
 * Common passwords of policy length (keyboard walks) and the words common passwords are built on, matched once digits
 * and symbols are stripped. Small on purpose: it catches the obvious ("Password2024!", "zhengzhou123456"), not a
 * dictionary attack; length and scrypt do the rest.
 */
const DENYLIST = new Set(['1qaz2wsx3edc', '1qaz2wsx3edc4rfv', '1qaz@wsx#edc', 'zaq12wsxcde3', '1q2w3e4r5t6y7u']);
const DENYLIST_WORDS = new Set([
  'password',
  'passw',
  'passwd',
  'pass',
  'admin',
  'administrator',
  'root',
  'letmein',
  'welcome',
  'qwerty',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  'qazwsxedc',
  'qazwsxedcrfv',
  'abc',
  'abcdef',
  'iloveyou',
  'woaini',
  'gridline',
  'zhengzhou',
  'henan',
  'china',
  'changeme',
]);

const characters = (text: string): string[] => Array.from(text.normalize('NFC'));

/** Every rule `password` breaks for `username`; empty when it is acceptable. */
export function passwordProblems(password: string, username: string): string[] {
  const problems: string[] = [];
  const chars = characters(password);
  const lower = password.normalize('NFC').toLowerCase();
  if (chars.length < MIN_PASSWORD_LENGTH) {
    problems.push(`it must be at least ${MIN_PASSWORD_LENGTH} characters long (it has ${chars.length})`);
  }
  if (chars.length > MAX_PASSWORD_LENGTH) problems.push(`it must be at most ${MAX_PASSWORD_LENGTH} characters long`);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
  if (/[\u0000-\u001f\u007f]/.test(password)) problems.push('it must not contain control characters');
  const name = username.trim().toLowerCase();
  if (name && lower.includes(name)) problems.push('it must not contain the username');
  // What remains once digits and symbols are stripped: "Password2024!" is still "password".
  const core = lower.replace(/[^\p{L}]/gu, '');
  if (DENYLIST.has(lower) || DENYLIST_WORDS.has(core)) {
    problems.push('it is a common or easily guessed password');
  } else if (/^\d+$/.test(lower)) {
    problems.push('it must not be digits only');
  } else if (chars.length > 0 && new Set(chars).size <= 2) {
    problems.push('it must not be one or two characters repeated');
  }
  return problems;
}

/** Throws `weak-password` listing every problem. */
export function checkPasswordPolicy(password: string, username: string): void {
  const problems = passwordProblems(password, username);
  if (problems.length > 0) {
    throw new IdentityError('weak-password', `The password is not accepted: ${problems.join('; ')}.`);
  }
}
