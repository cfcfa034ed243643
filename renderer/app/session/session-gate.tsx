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

function Brand() {
  const { t } = useTranslation();
  return (
    <header className="session-brand">
      <span className="product">{t('app.title')}</span>
      <span className="city">{t('app.city')}</span>
    </header>
  );
}

function SetupForm() {
  const { t } = useTranslation();
  const failureText = useFailureText();
  const api = useApi();
  const { adopt } = useSession();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (password !== repeat) return setError(t('session.setup.mismatch'));
    setBusy(true);
    setError(undefined);
    api.session
      .setup({ username, displayName, password })
      .then(adopt, (failure: unknown) => setError(failureText(failure)))
      .finally(() => setBusy(false));
  };
  return (
    <form className="session-card" onSubmit={submit} data-testid="setup-form">
      <Brand />
      <h2>{t('session.setup.title')}</h2>
      <p className="session-hint">{t('session.setup.hint')}</p>
      <label>
        {t('session.username')}
        <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" required />
      </label>
      <label>
        {t('session.displayName')}
        <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} required />
      </label>
      <label>
        {t('session.password')}
        <input
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="new-password"
          required
        />
      </label>
      <label>
        {t('session.setup.repeat')}
        <input
          type="password"
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
          autoComplete="new-password"
          required
        />
      </label>
      <p className="session-hint">{t('session.setup.policy')}</p>
      {error && (
        <p className="session-error" role="alert" data-testid="session-error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy} data-testid="setup-submit">
        {t('session.setup.submit')}
      </button>
    </form>
  );
}

function SignInForm({ session }: { session: SessionState }) {
  const { t, i18n } = useTranslation();
  const failureText = useFailureText();
  const api = useApi();
  const { adopt } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const english = i18n.language.startsWith('en');
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    api.session
      .signIn({ username, password })
      .then(adopt, (failure: unknown) => {
        setPassword('');
        setError(failureText(failure));
      })
      .finally(() => setBusy(false));
  };
  return (
    <form className="session-card" onSubmit={submit} data-testid="sign-in-form">
      <Brand />
      <h2>{t('session.signIn.title')}</h2>
      <label>
        {t('session.username')}
        <input
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          autoComplete="username"
          autoFocus
          required
          data-testid="sign-in-username"
        />
      </label>
      <label>
        {t('session.password')}
        <input
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
          required
          data-testid="sign-in-password"
        />
      </label>
      {error && (
        <p className="session-error" role="alert" data-testid="session-error">
          {error}
        </p>
      )}
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
  const failureText = useFailureText();
  const api = useApi();
  const { adopt, signOut } = useSession();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const operator = session.operator!;
  const role = ROLE_LABELS[operator.role][i18n.language.startsWith('en') ? 'en' : 'zh'];
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    api.session
      .unlock({ password })
      .then(adopt, (failure: unknown) => {
        setPassword('');
        setError(failureText(failure));
      })
      .finally(() => setBusy(false));
  };
  return (
    <form className="session-card" onSubmit={submit} data-testid="lock-screen">
      <Brand />
      <h2>{t('session.lock.title')}</h2>
      <p className="session-operator">
        {operator.displayName} · {role}
      </p>
      <label>
        {t('session.password')}
        <input
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
          autoFocus
          required
          data-testid="unlock-password"
        />
      </label>
      {error && (
        <p className="session-error" role="alert" data-testid="session-error">
          {error}
        </p>
      )}
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
  useIdleLock(session, lock);
  if (!session) return <p className="placeholder">{t('app.loading')}</p>;
  if (session.state === 'signed-in') return <>{children}</>;
  return (
    <div className="session-screen" data-testid="session-screen" data-session-state={session.state}>
      {session.state === 'setup-required' && <SetupForm />}
      {session.state === 'signed-out' && <SignInForm session={session} />}
      {session.state === 'locked' && <LockScreen session={session} />}
    </div>
  );
}
