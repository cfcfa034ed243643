/**
 * The two-person rule at the desk: commands held for a second operator. Anyone signed in sees them; an operator who
 * could give the command themselves (and did not ask for it) may confirm or refuse; the one who asked may withdraw.
 * The main process decides again on every click.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ContractError, type Confirmation, invokeContract, type InvokeName } from '../../../shared/contract';
import type { Permission } from '../../../shared/domain/authority';
import { ZHENGZHOU } from '../../../shared/domain/city';
import { useApi } from '../../app/providers/connection-context';
import { useSession } from '../../app/session/session-context';
import './confirmations.css';

/** Pending requests first, then the latest decided, as the host keeps them; updated live. */
function useConfirmations(): Confirmation[] {
  const api = useApi();
  const [list, setList] = useState<Confirmation[]>([]);
  useEffect(() => {
    let live = true;
    api.confirmations.list({}).then(
      (initial) => live && setList(initial),
      () => undefined,
    );
    const stop = api.events.on('confirmations.changed', (changed) =>
      setList((current) => {
        const rest = current.filter((confirmation) => confirmation.id !== changed.id);
        const pending = rest.filter((confirmation) => confirmation.state === 'pending');
        const decided = rest.filter((confirmation) => confirmation.state !== 'pending');
        return changed.state === 'pending' ? [changed, ...pending, ...decided] : [...pending, changed, ...decided];
      }),
    );
    return () => {
      live = false;
      stop();
    };
  }, [api]);
  return list;
}

export function ConfirmationsTray() {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { session, can } = useSession();
  // Beijing time, as the status bar shows it, whatever the desk's own time zone.
  const clock = new Intl.DateTimeFormat(i18n.language, {
    timeZone: ZHENGZHOU.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
  const list = useConfirmations();
  const [opened, setOpened] = useState(false);
  /** Requests this operator could decide that they have not seen yet open the tray by themselves: urgent by nature. */
  const [seen, setSeen] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string>();
  const me = session?.operator?.username;
  const pending = list.filter((confirmation) => confirmation.state === 'pending');
  const mayDecide = (confirmation: Confirmation): boolean =>
    confirmation.requestedBy.username !== me &&
    can(invokeContract[confirmation.action as InvokeName]?.permission as Permission);
  const forMe = pending.filter(mayDecide);
  const waitingForMe = forMe.length;
  // A request this operator could decide and has not seen opens the tray, which then stays open until closed (state
  // adjusted while rendering, React's pattern for reacting to new data without an effect).
  const unseen = forMe.filter((confirmation) => !seen.has(confirmation.id));
  if (unseen.length > 0) {
    setSeen(new Set([...seen, ...unseen.map((confirmation) => confirmation.id)]));
    setOpened(true);
  }
  const open = opened;
  const setOpen = setOpened;

  const act = (work: Promise<unknown>): void => {
    setError(undefined);
    work.catch((failure: unknown) => setError(failure instanceof ContractError ? failure.message : String(failure)));
  };
  if (list.length === 0) return null;
  return (
    <div className="confirmations">
      <button
        type="button"
        className={`confirmations-badge${waitingForMe > 0 ? ' urgent' : ''}`}
        onClick={() => setOpen(!open)}
        data-testid="confirmations-badge"
      >
        {t('confirmations.badge', { count: pending.length })}
      </button>
      {open && (
        <section
          className="confirmations-panel"
          data-testid="confirmations-panel"
          aria-label={t('confirmations.title')}
        >
          <header>
            <h3>{t('confirmations.title')}</h3>
            <button
              type="button"
              className="close"
              onClick={() => setOpen(false)}
              aria-label={t('confirmations.close')}
            >
              ×
            </button>
          </header>
          {error && (
            <p className="confirmations-error" role="alert">
              {error}
            </p>
          )}
          <ul>
            {list.slice(0, 12).map((confirmation) => (
              <li key={confirmation.id} data-state={confirmation.state} data-testid="confirmation">
                <p className="confirmation-what">
                  <strong>
                    {t(`confirmations.action.${confirmation.action}`, { defaultValue: confirmation.action })}
                  </strong>
                  {' · '}
                  {confirmation.summary}
                </p>
                <p className="confirmation-who">
                  {t('confirmations.requested', {
                    name: confirmation.requestedBy.displayName,
                    time: clock.format(confirmation.requestedAt),
                  })}
                  {confirmation.state !== 'pending' && (
                    <>
                      {' · '}
                      <span className="confirmation-state" data-testid="confirmation-state">
                        {t(`confirmations.state.${confirmation.state}`)}
                        {confirmation.decidedBy ? ` (${confirmation.decidedBy.displayName})` : ''}
                      </span>
                    </>
                  )}
                </p>
                {confirmation.state === 'pending' && (
                  <div className="confirmation-actions">
                    {mayDecide(confirmation) && (
                      <>
                        <button
                          type="button"
                          className="approve"
                          onClick={() => act(api.confirmations.approve({ id: confirmation.id }))}
                          data-testid="confirmation-approve"
                        >
                          {t('confirmations.approve')}
                        </button>
                        <button
                          type="button"
                          onClick={() => act(api.confirmations.reject({ id: confirmation.id }))}
                          data-testid="confirmation-reject"
                        >
                          {t('confirmations.reject')}
                        </button>
                      </>
                    )}
                    {confirmation.requestedBy.username === me && (
                      <>
                        <span className="confirmation-waiting">{t('confirmations.waiting')}</span>
                        <button
                          type="button"
                          onClick={() => act(api.confirmations.reject({ id: confirmation.id }))}
                          data-testid="confirmation-withdraw"
                        >
                          {t('confirmations.withdraw')}
                        </button>
                      </>
                    )}
                  </div>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
