/**
 * The scope of an operator, picked by search (`users.scopeOptions`: the counties or L1 grids that suit the role, at
 * most 20 answers, never a list of thousands). It appears only for roles that act in a county or a street; a viewer
 * may leave it empty (the whole city).
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScopeOption } from '../../../shared/contract/users-contract';
import { ROLE_SCOPE_KINDS, type OperatorRole } from '../../../shared/domain/operator-roles';
import { useApi } from '../../app/providers/connection-context';
import { errorText } from './users-errors';

const DEBOUNCE_MS = 150;

/** The picked scope: a code and, for display, its name (null when the city no longer has it). */
export interface PickedScope {
  code: string;
  name: string | null;
}

/** Whether the role acts in a county or a street at all (else the picker is not shown: the whole city). */
export const roleHasScope = (role: OperatorRole): boolean => ROLE_SCOPE_KINDS[role].some((kind) => kind !== 'city');
/** Whether the role must have one (a district commander, a street duty officer). */
export const roleNeedsScope = (role: OperatorRole): boolean => !ROLE_SCOPE_KINDS[role].includes('city');

export function ScopePicker({
  role,
  value,
  onChange,
  testId,
}: {
  role: OperatorRole;
  value: PickedScope | undefined;
  onChange: (scope: PickedScope | undefined) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const [query, setQuery] = useState('');
  const [answer, setAnswer] = useState<{ role: OperatorRole; query: string; options: ScopeOption[]; more: boolean }>();
  const [failure, setFailure] = useState<string>();
  const latest = useRef(0);
  const kinds = ROLE_SCOPE_KINDS[role].filter((kind) => kind !== 'city');

  useEffect(() => {
    const request = ++latest.current;
    if (kinds.length === 0) return;
    const text = query.trim();
    const timer = window.setTimeout(() => {
      api.users.scopeOptions({ role, query: text }).then(
        (next) => {
          if (request !== latest.current) return;
          setAnswer({ role, query: text, ...next });
          setFailure(undefined);
        },
        (error: unknown) => {
          if (request === latest.current) setFailure(errorText(error));
        },
      );
    }, DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [api, role, query, kinds.length]);

  if (kinds.length === 0) return null;
  // Options for another role or query are not offered: a click would pick what the search no longer says.
  const current = answer?.role === role && answer.query === query.trim();
  const placeholder = t(`users.scope.search.${kinds.length > 1 ? 'both' : kinds[0]!}`);

  return (
    <div className="scope-picker" data-testid={testId}>
      {value ? (
        <span className="chip" data-testid={`${testId}-picked`}>
          {value.name ?? t('users.scope.missing')}
          <small>{value.code}</small>
          <button type="button" aria-label={t('users.scope.clear')} onClick={() => onChange(undefined)}>
            ×
          </button>
        </span>
      ) : (
        <span className="hint">{t(roleNeedsScope(role) ? 'users.scope.required' : 'users.scope.optional')}</span>
      )}
      <input
        type="search"
        value={query}
        maxLength={64}
        placeholder={placeholder}
        aria-label={placeholder}
        data-testid={`${testId}-search`}
        onChange={(event) => setQuery(event.target.value)}
      />
      <ul className="scope-options" aria-label={placeholder}>
        {failure && <li className="failure">{failure}</li>}
        {!failure && !current && <li className="empty">{t('users.scope.searching')}</li>}
        {!failure && current && answer.options.length === 0 && <li className="empty">{t('users.scope.none')}</li>}
        {current &&
          answer.options.map((option) => (
            <li key={`${option.kind}:${option.code}`}>
              <button
                type="button"
                aria-pressed={value?.code === option.code}
                onClick={() => onChange({ code: option.code, name: option.name })}
                data-testid={`${testId}-option`}
              >
                <span className="name">{option.name}</span>
                <span className="parent">{option.parent ?? t(`users.scope.kinds.${option.kind}`)}</span>
                <span className="code">{option.code}</span>
              </button>
            </li>
          ))}
        {current && answer.more && <li className="empty">{t('users.scope.more')}</li>}
      </ul>
    </div>
  );
}
