/**
 * What a window shows before the console: the first-start setup (no administrator exists yet), the sign-in form,
 * or the lock screen; the console itself once an operator is signed in and the screen is unlocked. The screen locks
 * itself after the policy's idle time without input.
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ContractError, type SessionState } from '../../../shared/contract';
import { ROLE_LABELS } from '../../../shared/domain/operator-roles';
import { useApi } from '../providers/connection-context';
import { useSession } from './session-context';
import './session.css';

/** Input that counts as the operator being at the desk. */
const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

function useIdleLock(session: SessionState | undefined, lock: () => Promise<void>): void {
  const active = session?.state === 'signed-in';
  const idleMs = session?.screenLockIdleMs ?? 0;
  useEffect(() => {
    if (!active || idleMs <= 0) return;
    let last = Date.now();
    const seen = (): void => {
      last = Date.now();
    };
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, seen, { passive: true, capture: true });
    const check = setInterval(() => {
      if (Date.now() - last >= idleMs) void lock().catch(() => undefined);
    }, 1000);
    return () => {
      clearInterval(check);
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, seen, { capture: true });
    };
  }, [active, idleMs, lock]);
}

/**
 * A sign-in failure as the operator should read it: the identity service's messages are English; the common ones
 * are said in the window's language, anything else as the host wrote it.
 */
function useFailureText(): (error: unknown) => string {
  const { t } = useTranslation();
  return (error) => {
    if (!(error instanceof ContractError)) return String(error);
    const locked = /locked for (\d+) more minute/.exec(error.message);
    if (locked) return t('session.failure.locked', { minutes: Number(locked[1]) });
    if (error.message.startsWith('Unknown username or wrong password')) return t('session.failure.invalid');
    if (error.message.startsWith('This account has been disabled')) return t('session.failure.disabled');
    return error.message;
  };
}

/**
 * The state every session form shares: busy while the host answers, the failure in the operator's words; `run` sends
 * the request, adopts the new session state, and on failure calls `onFail` (to clear a password) and shows why.
 */
function useSessionRequest(): {
  busy: boolean;
  error: string | undefined;
  setError: (error: string | undefined) => void;
  run: (request: () => Promise<SessionState>, onFail?: () => void) => void;
} {
  const failureText = useFailureText();
  const { adopt } = useSession();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = (request: () => Promise<SessionState>, onFail?: () => void): void => {
    setBusy(true);
    setError(undefined);
    request()
      .then(adopt, (failure: unknown) => {
        onFail?.();
        setError(failureText(failure));
      })
      .finally(() => setBusy(false));
  };
  return { busy, error, setError, run };
}

/** A labelled input of a session form. */
function Field(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'password';
  autoComplete?: string;
  autoFocus?: boolean;
  testId?: string;
}) {
  return (
    <label>
      {props.label}
      <input
        type={props.type ?? 'text'}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        autoComplete={props.autoComplete}
        autoFocus={props.autoFocus}
        required
        data-testid={props.testId}
      />
    </label>
  );
}

function SessionError({ error }: { error: string | undefined }) {
  return error ? (
    <p className="session-error" role="alert" data-testid="session-error">
      {error}
    </p>
  ) : null;
}

function Brand() {
  const { t } = useTranslation();
  return (
    <header className="session-brand">
      <span className="product">{t('app.title')}</span>
      <span className="city">{t('app.city')}</span>
    </header>
  );
}

function SetupForm({ onSignIn }: { onSignIn: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const { busy, error, setError, run } = useSessionRequest();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (password !== repeat) return setError(t('session.setup.mismatch'));
    run(() => api.session.setup({ username, displayName, password }));
  };
  return (
    <form className="session-card" onSubmit={submit} data-testid="setup-form">
      <Brand />
      <h2>{t('session.setup.title')}</h2>
      <p className="session-hint">{t('session.setup.hint')}</p>
      <Field label={t('session.username')} value={username} onChange={setUsername} autoComplete="username" />
      <Field label={t('session.displayName')} value={displayName} onChange={setDisplayName} />
      <Field
        label={t('session.password')}
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="new-password"
      />
      <Field
        label={t('session.setup.repeat')}
        type="password"
        value={repeat}
        onChange={setRepeat}
        autoComplete="new-password"
      />
      <p className="session-hint">{t('session.setup.policy')}</p>
      <SessionError error={error} />
      <button type="submit" disabled={busy} data-testid="setup-submit">
        {t('session.setup.submit')}
      </button>
      <button type="button" className="session-secondary" onClick={onSignIn} data-testid="setup-sign-in-instead">
        {t('session.setup.signInInstead')}
      </button>
    </form>
  );
}

function SignInForm({ session }: { session: SessionState }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { busy, error, run } = useSessionRequest();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const english = i18n.language.startsWith('en');
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    run(
      () => api.session.signIn({ username, password }),
      () => setPassword(''),
    );
  };
  return (
    <form className="session-card" onSubmit={submit} data-testid="sign-in-form">
      <Brand />
      <h2>{t('session.signIn.title')}</h2>
      <Field
        label={t('session.username')}
        value={username}
        onChange={setUsername}
        autoComplete="username"
        autoFocus
        testId="sign-in-username"
      />
      <Field
        label={t('session.password')}
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="current-password"
        testId="sign-in-password"
      />
      <SessionError error={error} />
      <button type="submit" disabled={busy} data-testid="sign-in-submit">
        {busy ? t('session.signIn.busy') : t('session.signIn.submit')}
      </button>
      {session.providers
        .filter((provider) => provider.kind !== 'local')
        .map((provider) => (
          <p key={provider.kind} className="session-hint">
            {english ? provider.label.en : provider.label.zh}
            {provider.available ? '' : ` — ${provider.unavailableReason ?? t('session.signIn.unavailable')}`}
          </p>
        ))}
      <p className="session-hint">{t('session.signIn.hint')}</p>
    </form>
  );
}

function LockScreen({ session }: { session: SessionState }) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { signOut } = useSession();
  const { busy, error, run } = useSessionRequest();
  const [password, setPassword] = useState('');
  const operator = session.operator!;
  const role = ROLE_LABELS[operator.role][i18n.language.startsWith('en') ? 'en' : 'zh'];
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    run(
      () => api.session.unlock({ password }),
      () => setPassword(''),
    );
  };
  return (
    <form className="session-card" onSubmit={submit} data-testid="lock-screen">
      <Brand />
      <h2>{t('session.lock.title')}</h2>
      <p className="session-operator">
        {operator.displayName} · {role}
      </p>
      <Field
        label={t('session.password')}
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="current-password"
        autoFocus
        testId="unlock-password"
      />
      <SessionError error={error} />
      <button type="submit" disabled={busy} data-testid="unlock-submit">
        {t('session.lock.submit')}
      </button>
      <button type="button" className="session-secondary" onClick={() => void signOut()} data-testid="lock-sign-out">
        {t('session.lock.switch')}
      </button>
    </form>
  );
}

/** Shows the console only to a signed-in, unlocked operator. */
export function SessionGate({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { session, lock } = useSession();
  // Accounts provisioned without an administrator (`npm run accounts`) can sign in before the setup step is done.
  const [signInInstead, setSignInInstead] = useState(false);
  useIdleLock(session, lock);
  if (!session) return <p className="placeholder">{t('app.loading')}</p>;
  if (session.state === 'signed-in') return <>{children}</>;
  return (
    <div className="session-screen" data-testid="session-screen" data-session-state={session.state}>
      {session.state === 'setup-required' && !signInInstead && <SetupForm onSignIn={() => setSignInInstead(true)} />}
      {session.state === 'setup-required' && signInInstead && <SignInForm session={session} />}
      {session.state === 'signed-out' && <SignInForm session={session} />}
      {session.state === 'locked' && <LockScreen session={session} />}
    </div>
  );
}
