/**
 * The lifecycle actions of one ticket: a button for each action the main process offers this operator
 * (`detail.actions`), and the small form an action needs — escalation and reopening a reason, joint handling the
 * departments to add, re-routing a department, a reason and optionally a routing rule, resolution its result, the
 * evaluation 1–5 stars. Actions that carry nothing required (accept, start handling, feedback) run on the click.
 * Every call answers the new detail; a refusal is shown under the buttons in the main process's words.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { InvokeOutput, TicketActionName, TicketDetail } from '../../../shared/contract';
import { useApi } from '../../app/providers/connection-context';
import { errorText } from '../users/users-errors';

type RerouteOptions = InvokeOutput<'tickets.rerouteOptions'>;

/** Actions that run at once; the others open their form. */
const IMMEDIATE: readonly TicketActionName[] = ['accept', 'start-handling', 'feedback'];

export interface TicketActionsProps {
  detail: TicketDetail;
  onDetail: (detail: TicketDetail) => void;
}

export function TicketActions({ detail, onDetail }: TicketActionsProps) {
  const { t } = useTranslation();
  const api = useApi();
  const id = detail.ticket.id;
  const [open, setOpen] = useState<TicketActionName>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const [text, setText] = useState('');
  const [stars, setStars] = useState(0);
  const [departments, setDepartments] = useState<string[]>([]);
  const [department, setDepartment] = useState('');
  const [ruleScope, setRuleScope] = useState('');
  const [makeRule, setMakeRule] = useState(false);
  const [mergeInto, setMergeInto] = useState('');
  const [options, setOptions] = useState<{ id: number; value?: RerouteOptions; failure?: string }>();
  /** The cases this ticket may be merged into (the main process's `canMerge`), the suggested original first. */
  const original = detail.duplicateOf?.id;
  const mergeable = detail.mergeCandidates
    .filter((candidate) => candidate.canMerge)
    .sort((a, b) => Number(b.id === original) - Number(a.id === original));

  // Re-routing and joint handling pick departments from the ticket's own options.
  const needsOptions = open === 'reroute' || open === 'mark-joint';
  useEffect(() => {
    if (!needsOptions) return;
    let current = true;
    api.tickets.rerouteOptions({ id }).then(
      (value) => current && setOptions({ id, value }),
      (error: unknown) => current && setOptions({ id, failure: errorText(error) }),
    );
    return () => {
      current = false;
    };
  }, [api, id, needsOptions]);
  const rerouteOptions = options?.id === id ? options : undefined;

  const run = (call: () => Promise<TicketDetail>): void => {
    setBusy(true);
    setFailure(undefined);
    call().then(
      (next) => {
        setBusy(false);
        setOpen(undefined);
        setText('');
        setStars(0);
        setDepartments([]);
        setDepartment('');
        setMakeRule(false);
        setRuleScope('');
        onDetail(next);
      },
      (error: unknown) => {
        setBusy(false);
        setFailure(errorText(error));
      },
    );
  };

  const choose = (action: TicketActionName): void => {
    setFailure(undefined);
    if (action === 'feedback') return run(() => api.tickets.close({ id, action: 'feedback' }));
    if (action === 'accept' || action === 'start-handling') return run(() => api.tickets.handle({ id, action }));
    if (action === 'merge') setMergeInto(String(mergeable[0]?.id ?? ''));
    setOpen(open === action ? undefined : action);
  };

  const note = text.trim();
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    switch (open) {
      case 'escalate':
        run(() => api.tickets.handle({ id, action: 'escalate', reason: note }));
        break;
      case 'reopen':
        run(() => api.tickets.close({ id, action: 'reopen', reason: note }));
        break;
      case 'resolve':
        run(() => api.tickets.close({ id, action: 'resolve', result: note }));
        break;
      case 'evaluate':
        run(() =>
          api.tickets.close({ id, action: 'evaluate', satisfaction: stars, ...(note ? { comment: note } : {}) }),
        );
        break;
      case 'mark-joint':
        run(() => api.tickets.handle({ id, action: 'mark-joint', departments, ...(note ? { note } : {}) }));
        break;
      case 'reroute': {
        const scope = rerouteOptions?.value?.scopes.find((entry) => `${entry.kind}:${entry.code}` === ruleScope);
        run(() =>
          api.tickets.reroute({
            id,
            departmentCode: department,
            reason: note,
            rule: makeRule && scope ? { kind: scope.kind, code: scope.code } : null,
          }),
        );
        break;
      }
      case 'merge':
        run(() => api.tickets.merge({ id, into: Number(mergeInto) }));
        break;
      default:
        break;
    }
  };

  const ready =
    !busy &&
    (open === 'evaluate'
      ? stars >= 1
      : open === 'mark-joint'
        ? departments.length > 0
        : open === 'reroute'
          ? department !== '' && note !== '' && (!makeRule || ruleScope !== '')
          : open === 'merge'
            ? mergeInto !== ''
            : note !== '');
  const textRequired = open === 'escalate' || open === 'reopen' || open === 'resolve' || open === 'reroute';

  if (detail.actions.length === 0) {
    return (
      <p className="read-only" data-testid="ticket-read-only">
        {detail.readOnlyReason ?? t('tickets.detail.noActions')}
      </p>
    );
  }

  return (
    <div className="actions">
      <div className="buttons" role="group" aria-label={t('tickets.detail.actions')}>
        {detail.actions.map((action) => (
          <button
            key={action}
            type="button"
            disabled={busy}
            aria-expanded={IMMEDIATE.includes(action) ? undefined : open === action}
            onClick={() => choose(action)}
            data-testid={`ticket-action-${action}`}
          >
            {t(`tickets.actions.${action}`)}
          </button>
        ))}
      </div>

      {open && (
        <form className="action-form" onSubmit={submit} data-testid="ticket-action-form" data-action={open}>
          {open === 'evaluate' && (
            <div className="stars" role="radiogroup" aria-label={t('tickets.form.stars')}>
              {[1, 2, 3, 4, 5].map((value) => (
                <button
                  key={value}
                  type="button"
                  role="radio"
                  aria-checked={stars === value}
                  aria-label={t('tickets.form.starsValue', { value })}
                  className={value <= stars ? 'star on' : 'star'}
                  onClick={() => setStars(value)}
                  data-testid={`ticket-star-${value}`}
                >
                  ★
                </button>
              ))}
            </div>
          )}

          {(open === 'reroute' || open === 'mark-joint') && (
            <>
              {rerouteOptions?.failure && (
                <p className="failure" role="alert">
                  {rerouteOptions.failure}
                </p>
              )}
              {!rerouteOptions && <p className="hint">{t('tickets.loading')}</p>}
              {rerouteOptions?.value?.current && (
                <p className="hint">
                  {t('tickets.form.current', {
                    name:
                      rerouteOptions.value.departments.find((entry) => entry.code === rerouteOptions.value?.current)
                        ?.name ?? rerouteOptions.value.current,
                  })}
                </p>
              )}
            </>
          )}

          {open === 'reroute' && rerouteOptions?.value && (
            <>
              <label>
                {t('tickets.form.department')}
                <select
                  value={department}
                  onChange={(event) => setDepartment(event.target.value)}
                  required
                  data-testid="ticket-reroute-department"
                >
                  <option value="">{t('tickets.form.pick')}</option>
                  {rerouteOptions.value.departments.map((entry) => (
                    <option key={entry.code} value={entry.code}>
                      {entry.name}
                      {entry.county ? ` · ${entry.county}` : ''}
                    </option>
                  ))}
                </select>
              </label>
              <label className="check">
                <input
                  type="checkbox"
                  checked={makeRule}
                  onChange={(event) => setMakeRule(event.target.checked)}
                  data-testid="ticket-reroute-rule"
                />
                {t('tickets.form.makeRule')}
              </label>
              {makeRule && (
                <label>
                  {t('tickets.form.ruleScope')}
                  <select
                    value={ruleScope}
                    onChange={(event) => setRuleScope(event.target.value)}
                    required
                    data-testid="ticket-reroute-scope"
                  >
                    <option value="">{t('tickets.form.pick')}</option>
                    {rerouteOptions.value.scopes.map((entry) => (
                      <option key={`${entry.kind}:${entry.code}`} value={`${entry.kind}:${entry.code}`}>
                        {entry.name} ({t(`tickets.form.scopeKinds.${entry.kind}`)})
                      </option>
                    ))}
                  </select>
                </label>
              )}
            </>
          )}

          {open === 'mark-joint' && rerouteOptions?.value && (
            <fieldset className="departments">
              <legend>{t('tickets.form.jointDepartments')}</legend>
              {rerouteOptions.value.departments.map((entry) => (
                <label key={entry.code} className="check">
                  <input
                    type="checkbox"
                    checked={departments.includes(entry.code)}
                    disabled={!departments.includes(entry.code) && departments.length >= 10}
                    onChange={(event) =>
                      setDepartments(
                        event.target.checked
                          ? [...departments, entry.code]
                          : departments.filter((code) => code !== entry.code),
                      )
                    }
                    data-testid="ticket-joint-department"
                    data-code={entry.code}
                  />
                  {entry.name}
                  {entry.county ? ` · ${entry.county}` : ''}
                </label>
              ))}
            </fieldset>
          )}

          {open === 'merge' && (
            <label>
              {t('tickets.form.mergeInto')}
              <select
                value={mergeInto}
                onChange={(event) => setMergeInto(event.target.value)}
                required
                data-testid="ticket-merge-into"
              >
                <option value="">{t('tickets.form.pick')}</option>
                {mergeable.map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    {candidate.hubId} · {candidate.excerpt}
                  </option>
                ))}
              </select>
            </label>
          )}

          {open !== 'merge' && (
            <label>
              {t(`tickets.form.text.${open}`)}
              <textarea
                value={text}
                onChange={(event) => setText(event.target.value)}
                required={textRequired}
                maxLength={2000}
                rows={3}
                data-testid="ticket-action-text"
              />
            </label>
          )}

          <div className="buttons">
            <button type="submit" disabled={!ready} data-testid="ticket-action-submit">
              {busy ? t('tickets.form.sending') : t(`tickets.actions.${open}`)}
            </button>
            <button type="button" onClick={() => setOpen(undefined)} disabled={busy}>
              {t('tickets.form.cancel')}
            </button>
          </div>
        </form>
      )}

      {failure && (
        <p className="failure" role="alert" data-testid="ticket-action-error">
          {failure}
        </p>
      )}
    </div>
  );
}
