/**
 * A new password typed twice, with the password policy's rules shown beside it and the problems the window can see
 * itself (too short, contains the username, the two differ). The host checks the whole policy (common passwords
 * too) and its message is shown if it refuses.
 */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { UsersPolicy } from '../../../shared/contract/users-contract';
import { passwordLength } from './users-errors';

export type PasswordRules = UsersPolicy['password'];

/** What is wrong with the typed pair that the window can tell; undefined when nothing is (or nothing typed yet). */
export function passwordProblem(
  t: TFunction,
  rules: PasswordRules | undefined,
  password: string,
  confirm: string,
  username: string,
): string | undefined {
  if (password === '') return undefined;
  const length = passwordLength(password);
  const min = rules?.minLength ?? 1;
  if (length < min) return t('users.password.tooShort', { count: min - length });
  if (rules && length > rules.maxLength) return t('users.password.tooLong', { max: rules.maxLength });
  const name = username.trim().toLowerCase();
  if (name && password.normalize('NFC').toLowerCase().includes(name)) return t('users.password.containsUsername');
  if (confirm !== '' && confirm !== password) return t('users.password.mismatch');
  return undefined;
}

/** Whether the pair may be sent: typed, confirmed, and nothing the window can see is wrong. */
export const passwordReady = (
  t: TFunction,
  rules: PasswordRules | undefined,
  password: string,
  confirm: string,
  username: string,
): boolean => password !== '' && confirm === password && !passwordProblem(t, rules, password, confirm, username);

export function PasswordFields({
  rules,
  username,
  password,
  confirm,
  onPassword,
  onConfirm,
  testId,
}: {
  rules: PasswordRules | undefined;
  username: string;
  password: string;
  confirm: string;
  onPassword: (value: string) => void;
  onConfirm: (value: string) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const problem = passwordProblem(t, rules, password, confirm, username);
  return (
    <>
      <label>
        {t('users.fields.password')}
        <input
          type="password"
          autoComplete="new-password"
          value={password}
          maxLength={1024}
          onChange={(event) => onPassword(event.target.value)}
          data-testid={`${testId}-password`}
        />
      </label>
      <label>
        {t('users.fields.confirm')}
        <input
          type="password"
          autoComplete="new-password"
          value={confirm}
          maxLength={1024}
          onChange={(event) => onConfirm(event.target.value)}
          data-testid={`${testId}-confirm`}
        />
      </label>
      <p className="hint wide">{t('users.password.rules', { min: rules?.minLength ?? '…' })}</p>
      {problem && (
        <p className="problem wide" role="status" data-testid={`${testId}-problem`}>
          {problem}
        </p>
      )}
    </>
  );
}
