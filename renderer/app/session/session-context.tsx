/**
 * The window's session as the renderer sees it: who is signed in, what they hold, the screen lock. The main process
 * decides every call (access-control.ts); this only keeps the window's picture of it current, so the UI can show the
 * sign-in screen, the lock screen, or hide what would be refused anyway.
 *
 * A web tab keeps the session's resume token in the tab's session storage, so a reload or a dropped socket resumes
 * the session (still locked, if it was) instead of asking for the password again.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ContractError, type SessionState } from '../../../shared/contract';
import type { Permission } from '../../../shared/domain/authority';
import { useApi, useTransport } from '../providers/connection-context';

const RESUME_KEY = 'gridline.session';
/** How often the window asks whether its session still holds (an administrator may end it; it may expire). */
const RECHECK_MS = 30_000;

export interface SessionApi {
  /** Undefined until the host has answered once. */
  session: SessionState | undefined;
  /** Whether the signed-in operator's role holds the permission (the main process still checks scope). */
  can: (permission: Permission) => boolean;
  /** Takes a reply that changed the session (sign-in, unlock, sign-out…) as the window's new state. */
  adopt: (next: SessionState) => void;
  /** Asks the host again (after a call answered unauthenticated or screen-locked). */
  refresh: () => Promise<void>;
  lock: () => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionApi | undefined>(undefined);

function readResumeToken(): string | null {
  try {
    return window.sessionStorage.getItem(RESUME_KEY);
  } catch {
    return null;
  }
}

function writeResumeToken(token: string | null): void {
  try {
    if (token) window.sessionStorage.setItem(RESUME_KEY, token);
    else window.sessionStorage.removeItem(RESUME_KEY);
  } catch {
    // Storage may be disabled: the session then lasts as long as the socket.
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const transport = useTransport();
  const [session, setSession] = useState<SessionState>();

  const adopt = useCallback(
    (next: SessionState) => {
      if (next.resumeToken) {
        writeResumeToken(next.resumeToken);
        transport.resumeWith?.(next.resumeToken);
      } else if (next.state === 'signed-out' || next.state === 'setup-required') {
        writeResumeToken(null);
        transport.resumeWith?.(null);
      }
      setSession(next);
      document.documentElement.dataset.sessionState = next.state;
    },
    [transport],
  );

  const refresh = useCallback(async () => {
    adopt(await api.session.get({}));
  }, [api, adopt]);

  useEffect(() => {
    const token = transport.resumeWith ? readResumeToken() : null;
    const start = token
      ? api.session.resume({ token }).catch((error: unknown) => {
          if (!(error instanceof ContractError)) throw error;
          writeResumeToken(null);
          return api.session.get({});
        })
      : api.session.get({});
    start.then(adopt, (error: unknown) => console.error('gridline: no session state', error));
    const recheck = setInterval(() => void refresh().catch(() => undefined), RECHECK_MS);
    // A reconnect re-binds by itself (the transport resumes first thing); ask again so the picture is current.
    const stop = transport.onConnectionChange((state) => {
      if (state === 'connected') void refresh().catch(() => undefined);
    });
    return () => {
      clearInterval(recheck);
      stop();
    };
  }, [api, transport, adopt, refresh]);

  // Stable across session updates: the idle lock's timer must not restart each time the session is re-checked.
  const lock = useCallback(async () => adopt(await api.session.lock({})), [api, adopt]);
  const signOut = useCallback(async () => adopt(await api.session.signOut({})), [api, adopt]);
  const value = useMemo<SessionApi>(
    () => ({
      session,
      can: (permission) => session?.state === 'signed-in' && session.permissions.includes(permission),
      adopt,
      refresh,
      lock,
      signOut,
    }),
    [session, adopt, refresh, lock, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
