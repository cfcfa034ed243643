/**
 * The identity policy as an administrator edits it: the two-person rule, the screen lock, the session idle timeout
 * and the sign-in lockout, in minutes. Only the changed fields are sent; the host checks that they fit together
 * (the screen locks before the session idles out, …) and says so if not.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { IdentityPolicyData, UsersPolicy } from '../../../shared/contract/users-contract';
import { useApi } from '../../app/providers/connection-context';
import { errorText } from './users-errors';

const MINUTE = 60_000;
/** Hours, to one decimal. */
const hours = (ms: number): number => Math.round((ms / (60 * MINUTE)) * 10) / 10;

/** The fields the form shows, in the unit it shows them in. */
const FIELDS = [
  { key: 'screenLockIdleMs', label: 'screenLock', unit: MINUTE, step: 0.5, min: 0.5 },
  { key: 'sessionIdleMs', label: 'sessionIdle', unit: MINUTE, step: 1, min: 1 },
  { key: 'maxFailures', label: 'maxFailures', unit: 1, step: 1, min: 1 },
  { key: 'lockoutMs', label: 'lockout', unit: MINUTE, step: 1, min: 1 },
] as const satisfies readonly {
  key: keyof IdentityPolicyData;
  label: string;
  unit: number;
  step: number;
  min: number;
}[];

type FieldKey = (typeof FIELDS)[number]['key'];
type Draft = Record<FieldKey, string> & { twoPersonRule: boolean };

const draftOf = (policy: IdentityPolicyData): Draft => ({
  twoPersonRule: policy.twoPersonRule,
  ...(Object.fromEntries(FIELDS.map((field) => [field.key, String(policy[field.key] / field.unit)])) as Record<
    FieldKey,
    string
  >),
});

export function PolicySection({ policy, onSaved }: { policy: UsersPolicy; onSaved: (policy: UsersPolicy) => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const [draft, setDraft] = useState<Draft>(() => draftOf(policy.policy));
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string }>();

  const changes: Partial<IdentityPolicyData> = {};
  let malformed = false;
  for (const field of FIELDS) {
    const value = Number(draft[field.key]);
    if (draft[field.key].trim() === '' || !Number.isFinite(value)) {
      malformed = true;
      continue;
    }
    const stored = Math.round(value * field.unit);
    if (stored !== policy.policy[field.key]) changes[field.key] = stored;
  }
  if (draft.twoPersonRule !== policy.policy.twoPersonRule) changes.twoPersonRule = draft.twoPersonRule;
  const changed = Object.keys(changes).length > 0;

  const save = (event: FormEvent): void => {
    event.preventDefault();
    if (!changed || malformed) return;
    setSaving(true);
    setOutcome(undefined);
    api.users
      .updatePolicy(changes)
      .then(
        (next) => {
          setDraft(draftOf(next.policy));
          setOutcome({ ok: true, message: t('users.policy.saved') });
          onSaved(next);
        },
        (error: unknown) => setOutcome({ ok: false, message: errorText(error) }),
      )
      .finally(() => setSaving(false));
  };

  return (
    <form className="policy" onSubmit={save} aria-labelledby="users-policy-title" data-testid="users-policy">
      <h3 id="users-policy-title">{t('users.policy.title')}</h3>
      <label className="toggle wide">
        <input
          type="checkbox"
          checked={draft.twoPersonRule}
          onChange={(event) => setDraft({ ...draft, twoPersonRule: event.target.checked })}
          data-testid="users-policy-two-person"
        />
        {t('users.policy.twoPersonRule')}
      </label>
      {FIELDS.map((field) => (
        <label key={field.key}>
          {t(`users.policy.${field.label}`)}
          <input
            type="number"
            min={field.min}
            step={field.step}
            value={draft[field.key]}
            onChange={(event) => setDraft({ ...draft, [field.key]: event.target.value })}
            data-testid={`users-policy-${field.label}`}
          />
        </label>
      ))}
      <p className="hint wide">
        {t('users.policy.hint', {
          hours: hours(policy.policy.sessionLifetimeMs),
          maxLockout: hours(policy.policy.maxLockoutMs),
        })}
      </p>
      {outcome && (
        <p className={`${outcome.ok ? 'success' : 'failure'} wide`} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.ok ? outcome.message : t('users.refused', { message: outcome.message })}
        </p>
      )}
      <div className="actions wide">
        <button type="submit" disabled={saving || !changed || malformed} data-testid="users-policy-save">
          {t('users.policy.save')}
        </button>
        <button type="button" disabled={saving || !changed} onClick={() => setDraft(draftOf(policy.policy))}>
          {t('users.policy.revert')}
        </button>
      </div>
    </form>
  );
}
