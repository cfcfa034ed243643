/**
 * User and policy administration (issue #6), for operators holding `users.manage`: every operator with role, scope
 * and state (disabled, locked until, sessions alive); add one (role, a scope picked by search for county and street
 * roles, a first password typed twice); per operator, edit name, role and scope, disable or enable, reset the
 * password, lift a sign-in lock; and the identity policy. The host refuses what breaks a rule (the last
 * administrator, a weak password, a scope that does not suit the role) and its message is shown where it happened.
 */
import { Fragment, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { OperatorListingData, UsersPolicy } from '../../../shared/contract/users-contract';
import { OPERATOR_ROLES, ROLE_LABELS, type OperatorRole } from '../../../shared/domain/operator-roles';
import { useApi } from '../../app/providers/connection-context';
import { useNow } from '../../state/use-clock';
import { PasswordFields, passwordReady, type PasswordRules } from './password-fields';
import { PolicySection } from './policy-section';
import { ScopePicker, roleHasScope, roleNeedsScope, type PickedScope } from './scope-picker';
import { errorText } from './users-errors';
import './users-panel.css';

type Outcome = { ok: boolean; message: string };
/** What is open under an operator's row. */
type RowMode = 'edit' | 'reset' | 'disable';

/** The role's name in the window's language. */
function useRoleLabel(): (role: OperatorRole) => string {
  const { i18n } = useTranslation();
  const language = i18n.language.startsWith('zh') ? 'zh' : 'en';
  return (role) => ROLE_LABELS[role][language];
}

const pickedOf = (operator: OperatorListingData): PickedScope | undefined =>
  operator.scope.kind === 'city' ? undefined : { code: operator.scope.code, name: operator.scopeName };

export function UsersPanel({ onClose }: { onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const roleLabel = useRoleLabel();
  const now = useNow();
  const [operators, setOperators] = useState<OperatorListingData[]>();
  const [listFailure, setListFailure] = useState<string>();
  const [policy, setPolicy] = useState<UsersPolicy>();
  const [policyFailure, setPolicyFailure] = useState<string>();
  const [me, setMe] = useState<string>();
  const [open, setOpen] = useState<{ username: string; mode: RowMode }>();
  const [rowOutcome, setRowOutcome] = useState<{ username: string } & Outcome>();
  const [busy, setBusy] = useState<string>();
  const [adding, setAdding] = useState(false);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let current = true;
    api.users.list({}).then(
      (list) => {
        if (!current) return;
        setOperators(list);
        setListFailure(undefined);
      },
      (error: unknown) => current && setListFailure(errorText(error)),
    );
    api.users.getPolicy({}).then(
      (next) => {
        if (!current) return;
        setPolicy(next);
        setPolicyFailure(undefined);
      },
      (error: unknown) => current && setPolicyFailure(errorText(error)),
    );
    api.session.get({}).then(
      (session) => current && setMe(session.operator?.username),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [api, reloads]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const replace = (next: OperatorListingData): void =>
    setOperators((list) => {
      if (!list) return [next];
      const found = list.some((operator) => operator.username === next.username);
      const merged = found
        ? list.map((operator) => (operator.username === next.username ? next : operator))
        : [...list, next];
      return merged.sort((a, b) => a.username.localeCompare(b.username));
    });

  /** Runs a row's action; its outcome is shown under the row. */
  const act = (username: string, work: () => Promise<OperatorListingData>, done: string): Promise<boolean> => {
    setBusy(username);
    setRowOutcome(undefined);
    return work()
      .then(
        (next) => {
          replace(next);
          setOpen(undefined);
          setRowOutcome({ username, ok: true, message: done });
          return true;
        },
        (error: unknown) => {
          setRowOutcome({ username, ok: false, message: t('users.refused', { message: errorText(error) }) });
          return false;
        },
      )
      .finally(() => setBusy(undefined));
  };
  const setDisabled = (username: string, disabled: boolean): Promise<boolean> =>
    act(
      username,
      () => api.users.setDisabled({ username, disabled }),
      t(disabled ? 'users.disabled' : 'users.enabled', { username }),
    );

  const toggle = (username: string, mode: RowMode): void => {
    setRowOutcome(undefined);
    setOpen(open?.username === username && open.mode === mode ? undefined : { username, mode });
  };

  const time = (ms: number): string =>
    new Date(ms).toLocaleString(i18n.language, {
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });

  return (
    <div className="users-backdrop">
      <section className="users-panel" role="dialog" aria-labelledby="users-title" data-testid="users-panel">
        <header>
          <h2 id="users-title">{t('users.title')}</h2>
          <button type="button" onClick={() => setReloads((n) => n + 1)} data-testid="users-refresh">
            {t('users.refresh')}
          </button>
          <button type="button" className="close" onClick={onClose} aria-label={t('users.close')}>
            ×
          </button>
        </header>

        {listFailure && (
          <p className="failure" role="alert">
            {t('users.failed', { message: listFailure })}
          </p>
        )}
        {!operators && !listFailure && <p className="hint">{t('users.loading')}</p>}
        {operators && (
          <table className="operators" data-testid="users-table">
            <thead>
              <tr>
                <th>{t('users.columns.username')}</th>
                <th>{t('users.columns.displayName')}</th>
                <th>{t('users.columns.role')}</th>
                <th>{t('users.columns.scope')}</th>
                <th>{t('users.columns.state')}</th>
                <th>{t('users.columns.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {operators.map((operator) => {
                const self = operator.username === me;
                const locked = operator.lockedUntil !== null && operator.lockedUntil > now;
                const rowBusy = busy === operator.username;
                const mode = open?.username === operator.username ? open.mode : undefined;
                const outcome = rowOutcome?.username === operator.username ? rowOutcome : undefined;
                return (
                  <Fragment key={operator.username}>
                    <tr
                      className={operator.disabled ? 'disabled' : undefined}
                      data-testid="users-row"
                      data-username={operator.username}
                    >
                      <td className="username">
                        {operator.username}
                        {self && <small className="self"> {t('users.you')}</small>}
                      </td>
                      <td>{operator.displayName}</td>
                      <td>{roleLabel(operator.role)}</td>
                      <td>
                        {operator.scope.kind === 'city' ? (
                          t('users.cityWide')
                        ) : (
                          <>
                            {operator.scopeName ?? t('users.scope.missing')} <small>{operator.scope.code}</small>
                          </>
                        )}
                      </td>
                      <td>
                        <div className="state">
                          {operator.disabled ? (
                            <span className="badge off">{t('users.state.disabled')}</span>
                          ) : (
                            <span className="badge on">{t('users.state.active')}</span>
                          )}
                          {locked && (
                            <span className="badge locked">
                              {t('users.state.lockedUntil', { time: time(operator.lockedUntil!) })}
                            </span>
                          )}
                          <span className="sessions">
                            {t('users.state.sessions', { count: operator.activeSessions })}
                          </span>
                        </div>
                      </td>
                      <td>
                        <div className="row-actions">
                          <button
                            type="button"
                            aria-pressed={mode === 'edit'}
                            disabled={rowBusy}
                            onClick={() => toggle(operator.username, 'edit')}
                            data-testid="users-edit"
                          >
                            {t('users.actions.edit')}
                          </button>
                          {operator.disabled ? (
                            <button
                              type="button"
                              disabled={rowBusy}
                              onClick={() => void setDisabled(operator.username, false)}
                              data-testid="users-enable"
                            >
                              {t('users.actions.enable')}
                            </button>
                          ) : (
                            !self && (
                              <button
                                type="button"
                                aria-pressed={mode === 'disable'}
                                disabled={rowBusy}
                                onClick={() => toggle(operator.username, 'disable')}
                                data-testid="users-disable"
                              >
                                {t('users.actions.disable')}
                              </button>
                            )
                          )}
                          <button
                            type="button"
                            aria-pressed={mode === 'reset'}
                            disabled={rowBusy}
                            onClick={() => toggle(operator.username, 'reset')}
                            data-testid="users-reset"
                          >
                            {t('users.actions.resetPassword')}
                          </button>
                          {locked && (
                            <button
                              type="button"
                              disabled={rowBusy}
                              onClick={() =>
                                void act(
                                  operator.username,
                                  () => api.users.unlock({ username: operator.username }),
                                  t('users.unlocked', { username: operator.username }),
                                )
                              }
                              data-testid="users-unlock"
                            >
                              {t('users.actions.unlock')}
                            </button>
                          )}
                        </div>
                      </td>
                    </tr>
                    {(mode || outcome) && (
                      <tr className="detail">
                        <td colSpan={6}>
                          {mode === 'edit' && (
                            <EditForm
                              key={operator.updatedAt}
                              operator={operator}
                              busy={rowBusy}
                              onSave={(changes) =>
                                act(
                                  operator.username,
                                  () => api.users.update({ username: operator.username, ...changes }),
                                  t('users.edit.done', { username: operator.username }),
                                )
                              }
                              onCancel={() => setOpen(undefined)}
                            />
                          )}
                          {mode === 'reset' && (
                            <ResetForm
                              operator={operator}
                              self={self}
                              rules={policy?.password}
                              busy={rowBusy}
                              onSave={(password) =>
                                act(
                                  operator.username,
                                  () => api.users.resetPassword({ username: operator.username, password }),
                                  t('users.reset.done', { username: operator.username }),
                                )
                              }
                              onCancel={() => setOpen(undefined)}
                            />
                          )}
                          {mode === 'disable' && (
                            <div className="confirm" data-testid="users-disable-confirm">
                              <p>
                                {t('users.confirmDisable', { name: `${operator.displayName} (${operator.username})` })}
                              </p>
                              <div className="actions">
                                <button
                                  type="button"
                                  className="danger"
                                  disabled={rowBusy}
                                  onClick={() => void setDisabled(operator.username, true)}
                                  data-testid="users-disable-yes"
                                >
                                  {t('users.actions.confirmDisable')}
                                </button>
                                <button type="button" onClick={() => setOpen(undefined)}>
                                  {t('users.actions.cancel')}
                                </button>
                              </div>
                            </div>
                          )}
                          {outcome && (
                            <p
                              className={outcome.ok ? 'success' : 'failure'}
                              role={outcome.ok ? 'status' : 'alert'}
                              data-testid="users-row-outcome"
                            >
                              {outcome.message}
                            </p>
                          )}
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        )}

        {adding ? (
          <AddOperatorForm
            rules={policy?.password}
            onAdded={(operator) => replace(operator)}
            onClose={() => setAdding(false)}
          />
        ) : (
          <button type="button" className="add" onClick={() => setAdding(true)} data-testid="users-add-open">
            {t('users.add.open')}
          </button>
        )}

        {policyFailure && (
          <p className="failure" role="alert">
            {t('users.policy.failed', { message: policyFailure })}
          </p>
        )}
        {policy && <PolicySection key={JSON.stringify(policy.policy)} policy={policy} onSaved={setPolicy} />}
      </section>
    </div>
  );
}

function RoleSelect({
  value,
  onChange,
  testId,
}: {
  value: OperatorRole;
  onChange: (role: OperatorRole) => void;
  testId: string;
}) {
  const roleLabel = useRoleLabel();
  return (
    <select value={value} onChange={(event) => onChange(event.target.value as OperatorRole)} data-testid={testId}>
      {OPERATOR_ROLES.map((role) => (
        <option key={role} value={role}>
          {roleLabel(role)}
        </option>
      ))}
    </select>
  );
}

function AddOperatorForm({
  rules,
  onAdded,
  onClose,
}: {
  rules: PasswordRules | undefined;
  onAdded: (operator: OperatorListingData) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<OperatorRole>('viewer');
  const [scope, setScope] = useState<PickedScope>();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();

  const scopeMissing = roleNeedsScope(role) && !scope;
  const ready =
    username.trim() !== '' &&
    displayName.trim() !== '' &&
    !scopeMissing &&
    passwordReady(t, rules, password, confirm, username);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!ready) return;
    setSaving(true);
    setOutcome(undefined);
    api.users
      .add({
        username: username.trim(),
        displayName: displayName.trim(),
        role,
        ...(scope && roleHasScope(role) ? { scopeCode: scope.code } : {}),
        password,
      })
      .then(
        (operator) => {
          onAdded(operator);
          setUsername('');
          setDisplayName('');
          setScope(undefined);
          setPassword('');
          setConfirm('');
          setOutcome({ ok: true, message: t('users.add.done', { username: operator.username }) });
        },
        (error: unknown) => setOutcome({ ok: false, message: t('users.refused', { message: errorText(error) }) }),
      )
      .finally(() => setSaving(false));
  };

  return (
    <form
      className="operator-form add-form"
      onSubmit={submit}
      aria-labelledby="users-add-title"
      data-testid="users-add"
    >
      <h3 id="users-add-title" className="wide">
        {t('users.add.title')}
      </h3>
      <label>
        {t('users.fields.username')}
        <input
          value={username}
          maxLength={64}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => setUsername(event.target.value)}
          data-testid="users-add-username"
        />
        <small className="hint">{t('users.usernameHint')}</small>
      </label>
      <NameRoleScopeFields
        testId="users-add"
        displayName={displayName}
        onDisplayName={setDisplayName}
        role={role}
        onRole={(next) => {
          setRole(next);
          setScope(undefined);
        }}
        scope={scope}
        onScope={setScope}
      />
      <PasswordFields
        rules={rules}
        username={username}
        password={password}
        confirm={confirm}
        onPassword={setPassword}
        onConfirm={setConfirm}
        testId="users-add"
      />
      {outcome && (
        <p
          className={`${outcome.ok ? 'success' : 'failure'} wide`}
          role={outcome.ok ? 'status' : 'alert'}
          data-testid="users-add-outcome"
        >
          {outcome.message}
        </p>
      )}
      <div className="actions wide">
        <button type="submit" disabled={saving || !ready} data-testid="users-add-submit">
          {t('users.add.submit')}
        </button>
        <button type="button" onClick={onClose} disabled={saving}>
          {t('users.actions.close')}
        </button>
      </div>
    </form>
  );
}

/** The display name, the role and (for a role that has one) the scope: the add and edit forms' shared fields. */
function NameRoleScopeFields(props: {
  testId: 'users-add' | 'users-edit';
  displayName: string;
  onDisplayName: (value: string) => void;
  role: OperatorRole;
  onRole: (role: OperatorRole) => void;
  scope: PickedScope | undefined;
  onScope: (scope: PickedScope | undefined) => void;
}) {
  const { t } = useTranslation();
  const { testId, role } = props;
  return (
    <>
      <label>
        {t('users.fields.displayName')}
        <input
          value={props.displayName}
          maxLength={64}
          onChange={(event) => props.onDisplayName(event.target.value)}
          data-testid={`${testId}-display-name`}
        />
      </label>
      <label>
        {t('users.fields.role')}
        <RoleSelect value={role} onChange={props.onRole} testId={`${testId}-role`} />
      </label>
      {roleHasScope(role) && (
        <div className="wide">
          <span className="field-label">{t('users.fields.scope')}</span>
          <ScopePicker role={role} value={props.scope} onChange={props.onScope} testId={`${testId}-scope`} />
        </div>
      )}
    </>
  );
}

function EditForm({
  operator,
  busy,
  onSave,
  onCancel,
}: {
  operator: OperatorListingData;
  busy: boolean;
  onSave: (changes: { displayName?: string; role: OperatorRole; scopeCode: string }) => Promise<boolean>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [displayName, setDisplayName] = useState(operator.displayName);
  const [role, setRole] = useState<OperatorRole>(operator.role);
  const [scope, setScope] = useState<PickedScope | undefined>(() => pickedOf(operator));

  const scopeCode = roleHasScope(role) ? (scope?.code ?? '') : '';
  const currentCode = operator.scope.kind === 'city' ? '' : operator.scope.code;
  const nameChanged = displayName.trim() !== operator.displayName;
  const authorityChanged = role !== operator.role || scopeCode !== currentCode;
  const ready =
    displayName.trim() !== '' && (nameChanged || authorityChanged) && !(roleNeedsScope(role) && !scope) && !busy;

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!ready) return;
    void onSave({ ...(nameChanged ? { displayName: displayName.trim() } : {}), role, scopeCode });
  };

  return (
    <form className="operator-form" onSubmit={submit} data-testid="users-edit-form">
      <NameRoleScopeFields
        testId="users-edit"
        displayName={displayName}
        onDisplayName={setDisplayName}
        role={role}
        onRole={(next) => {
          setRole(next);
          setScope(next === operator.role ? pickedOf(operator) : undefined);
        }}
        scope={scope}
        onScope={setScope}
      />
      {authorityChanged && <p className="hint wide">{t('users.edit.authorityNote')}</p>}
      <div className="actions wide">
        <button type="submit" disabled={!ready} data-testid="users-edit-save">
          {t('users.actions.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('users.actions.cancel')}
        </button>
      </div>
    </form>
  );
}

function ResetForm({
  operator,
  self,
  rules,
  busy,
  onSave,
  onCancel,
}: {
  operator: OperatorListingData;
  self: boolean;
  rules: PasswordRules | undefined;
  busy: boolean;
  onSave: (password: string) => Promise<boolean>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const ready = !busy && passwordReady(t, rules, password, confirm, operator.username);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!ready) return;
    // Saved, the row closes (and this form with it); refused, the passwords stay for another try.
    void onSave(password);
  };

  return (
    <form className="operator-form" onSubmit={submit} data-testid="users-reset-form">
      <p className="hint wide">{t(self ? 'users.reset.selfNote' : 'users.reset.note')}</p>
      <PasswordFields
        rules={rules}
        username={operator.username}
        password={password}
        confirm={confirm}
        onPassword={setPassword}
        onConfirm={setConfirm}
        testId="users-reset"
      />
      <div className="actions wide">
        <button type="submit" disabled={!ready} data-testid="users-reset-save">
          {t('users.actions.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('users.actions.cancel')}
        </button>
      </div>
    </form>
  );
}
