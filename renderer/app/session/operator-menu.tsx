/**
 * The signed-in operator in the title bar: name, role and scope, and a menu to lock the screen, sign out, and open
 * the panels their role holds (users and policy, the audit trail).
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLE_LABELS } from '../../../shared/domain/operator-roles';
import { useSession } from './session-context';

export interface OperatorMenuItem {
  id: string;
  label: string;
  onSelect: () => void;
}

export function OperatorMenu({ items }: { items: OperatorMenuItem[] }) {
  const { t, i18n } = useTranslation();
  const { session, lock, signOut } = useSession();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: PointerEvent): void => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    window.addEventListener('pointerdown', close);
    return () => window.removeEventListener('pointerdown', close);
  }, [open]);
  const operator = session?.operator;
  if (!operator) return null;
  const role = ROLE_LABELS[operator.role][i18n.language.startsWith('en') ? 'en' : 'zh'];
  const scope = operator.scope.kind === 'city' ? t('operator.wholeCity') : (operator.scopeName ?? operator.scope.code);
  const choose = (action: () => void) => () => {
    setOpen(false);
    action();
  };
  return (
    <div className="operator-menu" ref={root}>
      <button
        type="button"
        className="operator-chip"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        data-testid="operator-chip"
      >
        <span className="operator-name">{operator.displayName}</span>
        <span className="operator-role">
          {role} · {scope}
        </span>
      </button>
      {open && (
        <ul className="operator-items" role="menu">
          {items.map((item) => (
            <li key={item.id}>
              <button type="button" role="menuitem" onClick={choose(item.onSelect)} data-testid={`menu-${item.id}`}>
                {item.label}
              </button>
            </li>
          ))}
          <li>
            <button type="button" role="menuitem" onClick={choose(() => void lock())} data-testid="menu-lock">
              {t('operator.lock')}
            </button>
          </li>
          <li>
            <button type="button" role="menuitem" onClick={choose(() => void signOut())} data-testid="menu-sign-out">
              {t('operator.signOut')}
            </button>
          </li>
        </ul>
      )}
    </div>
  );
}
