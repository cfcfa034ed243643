/**
 * Renderer entry: connect to the host, start i18n in the saved language, and render the shell for this window's role
 * once an operator is signed in (the session gate shows setup, sign-in or the lock screen until then).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { connectToHost } from './app/api/connect';
import { createI18n } from './app/i18n/i18n';
import { ConnectionProvider } from './app/providers/connection-context';
import { SessionGate } from './app/session/session-gate';
import { SessionProvider } from './app/session/session-context';
import { AppShell, type ViewRole } from './app/shell/app-shell';
import './app/shell/app-shell.css';
import { markAppState } from './state/app-state';

function viewRole(search: string): ViewRole {
  const role = new URLSearchParams(search).get('role');
  return role === 'map' ? role : 'map';
}

async function start(): Promise<void> {
  markAppState('loading');
  const connection = connectToHost();
  // Start in the saved language so the first paint is already right; fall back to Chinese if the host is slow.
  const settings = await connection.api.settings.get({}).catch(() => undefined);
  const i18n = await createI18n(settings?.language);
  const root = document.getElementById('root');
  if (!root) throw new Error('#root is missing from index.html');
  createRoot(root).render(
    <StrictMode>
      <ConnectionProvider connection={connection}>
        <I18nextProvider i18n={i18n}>
          <SessionProvider>
            <SessionGate>
              <AppShell role={viewRole(window.location.search)} />
            </SessionGate>
          </SessionProvider>
        </I18nextProvider>
      </ConnectionProvider>
    </StrictMode>,
  );
}

start().catch((error: unknown) => {
  console.error('gridline: start failed', error);
  markAppState('error');
});
