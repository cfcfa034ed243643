/**
 * The two-person rule (双人复核, issue #6): a city-wide broadcast (and, with emergency mode, a switch to level I or II)
 * is held until a second operator confirms it from their own session. The second operator must be someone else and
 * hold the same authority over the same area; the command then runs as the first operator's, and both are on the
 * audit trail. Held commands live in memory for ten minutes: a restart of the console drops them (the requester asks
 * again), which is safer than running a stale command later.
 */
import { randomUUID } from 'node:crypto';
import {
  ContractError,
  invokeContract,
  type Confirmation,
  type InvokeName,
  type ModeSwitchRequest,
} from '../../shared/contract';
import { LEVEL_INFO } from '../../shared/domain/modes/emergency-levels';
import { decide, needsSecondOperator, type ActionArea, type Permission } from '../../shared/domain/authority';
import type { IdentityService, Operator } from '../services/identity';
import { areaText, auditedPayload, type HoldGate } from './access-control';
import type { CallContext, Execute } from './dispatcher';

export const HOLD_MS = 10 * 60_000;
/** Held requests one operator may have waiting at once: a desk asks for one or two, never a flood. */
export const MAX_HELD_PER_OPERATOR = 3;
/** Decided requests kept for the list (newest first). */
const KEEP_DECIDED = 20;

interface Held {
  confirmation: Confirmation;
  name: InvokeName;
  input: unknown;
  requester: CallContext & { operator: Operator };
  area: ActionArea | undefined;
  timer: NodeJS.Timeout;
}

export interface HeldCommandsOptions {
  identity: IdentityService;
  /** Records an operator's act on the audit trail (the request, the decision). */
  recordAction: (operator: Operator, action: string, scope: string, payload: unknown) => void;
  /** Every change, for every window. */
  emit: (confirmation: Confirmation) => void;
  /** Words for what a held command does, for the second operator. */
  summarise: (name: InvokeName, input: unknown) => string;
  now?: () => number;
}

const person = (operator: Operator) => ({ username: operator.username, displayName: operator.displayName });

const refused = (message: string): ContractError => new ContractError({ code: 'refused', message });

export class HeldCommands implements HoldGate {
  private readonly held = new Map<string, Held>();
  private readonly decided: Confirmation[] = [];
  private execute: Execute | undefined;
  private readonly now: () => number;

  constructor(private readonly options: HeldCommandsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The dispatcher's executor, which runs a confirmed command (set once the dispatcher exists). */
  connect(execute: Execute): void {
    this.execute = execute;
  }

  needsSecond(name: InvokeName, input: unknown, area: ActionArea | undefined): boolean {
    const rule = { enabled: this.options.identity.getPolicy().twoPersonRule };
    if (name === 'broadcast.send' && area) return needsSecondOperator({ permission: 'broadcast.send', area }, rule);
    // Levels I and II (an activation or a step to them); a return to normal never waits.
    if (name === 'modes.switch') {
      const level = (input as ModeSwitchRequest).level;
      return level !== null && needsSecondOperator({ permission: 'mode.switch', level: LEVEL_INFO[level].rank }, rule);
    }
    return false;
  }

  hold(name: InvokeName, input: unknown, context: CallContext, area: ActionArea | undefined): string {
    const operator = context.operator;
    if (!operator) throw new Error('only a signed-in operator can ask for a confirmation');
    const waiting = [...this.held.values()].filter((held) => held.requester.operator.id === operator.id).length;
    if (waiting >= MAX_HELD_PER_OPERATOR) {
      throw refused(
        `You have ${waiting} commands waiting for a second operator already; withdraw one or wait for a decision.`,
      );
    }
    const id = `c-${randomUUID()}`;
    const at = this.now();
    const confirmation: Confirmation = {
      id,
      action: name,
      summary: this.options.summarise(name, input),
      requestedBy: person(operator),
      requestedAt: at,
      expiresAt: at + HOLD_MS,
      state: 'pending',
      decidedBy: null,
      outcome: null,
    };
    const timer = setTimeout(() => this.finish(id, 'expired', null, 'no second operator confirmed in time'), HOLD_MS);
    timer.unref();
    this.held.set(id, { confirmation, name, input, requester: { ...context, operator }, area, timer });
    this.options.recordAction(operator, 'confirmations.request', area ? areaText(area) : 'city', {
      id,
      action: name,
      request: auditedPayload(input),
    });
    this.options.emit(confirmation);
    return id;
  }

  list(): Confirmation[] {
    const pending = [...this.held.values()].map((held) => held.confirmation).reverse();
    return [...pending, ...this.decided];
  }

  /** A second operator confirms: the command runs as the requester's. */
  async approve(id: string, approver: CallContext): Promise<Confirmation> {
    const held = this.pending(id);
    const operator = approver.operator!;
    if (operator.id === held.requester.operator.id) {
      throw refused('A second operator must confirm this command: the operator who asked for it cannot.');
    }
    const permission = invokeContract[held.name].permission as Permission;
    const mine = decide(operator, { permission, ...(held.area ? { area: held.area } : {}) });
    if (!mine.allowed) {
      throw new ContractError({ code: 'forbidden', message: `Cannot confirm: ${mine.message}` });
    }
    // The requester's authority is checked again now: it may have been changed or disabled since they asked.
    let requester: Operator;
    try {
      requester = this.options.identity.getOperator(held.requester.operator.username);
    } catch {
      return this.finish(id, 'failed', operator, 'the operator who asked no longer exists');
    }
    const theirs = decide(requester, { permission, ...(held.area ? { area: held.area } : {}) });
    if (requester.disabled || !theirs.allowed) {
      return this.finish(id, 'failed', operator, `the operator who asked may no longer do this`);
    }
    // Taken out of the pending set before it runs: a second confirmation cannot run it twice.
    clearTimeout(held.timer);
    this.held.delete(id);
    this.options.recordAction(operator, 'confirmations.approved', held.area ? areaText(held.area) : 'city', {
      id,
      action: held.name,
      requestedBy: requester.username,
    });
    if (!this.execute) throw new Error('held commands are not connected to the dispatcher');
    const result = await this.execute(
      held.name,
      held.input,
      { ...held.requester, operator: requester, confirmedBy: operator },
      held.area,
    );
    const outcome = result.ok ? outcomeOf(result.output) : result.error.message;
    return this.settle(held, result.ok ? 'approved' : 'failed', operator, outcome);
  }

  /** The second operator refuses, or the requester withdraws. */
  reject(id: string, by: CallContext): Confirmation {
    const held = this.pending(id);
    const operator = by.operator!;
    if (operator.id === held.requester.operator.id) return this.finish(id, 'cancelled', operator, null);
    const permission = invokeContract[held.name].permission as Permission;
    const decision = decide(operator, { permission, ...(held.area ? { area: held.area } : {}) });
    if (!decision.allowed)
      throw new ContractError({ code: 'forbidden', message: `Cannot refuse: ${decision.message}` });
    return this.finish(id, 'rejected', operator, null);
  }

  close(): void {
    for (const held of this.held.values()) clearTimeout(held.timer);
    this.held.clear();
  }

  private pending(id: string): Held {
    const held = this.held.get(id);
    if (!held) {
      const done = this.decided.find((confirmation) => confirmation.id === id);
      throw refused(done ? `This request was ${done.state} already.` : 'No such request is waiting for confirmation.');
    }
    return held;
  }

  private finish(id: string, state: Confirmation['state'], by: Operator | null, outcome: string | null): Confirmation {
    const held = this.held.get(id);
    if (!held) throw refused('No such request is waiting for confirmation.');
    clearTimeout(held.timer);
    this.held.delete(id);
    if (state !== 'approved') {
      // An expiry is nobody's act: it goes on the trail under the operator who asked.
      this.options.recordAction(
        by ?? held.requester.operator,
        `confirmations.${state}`,
        held.area ? areaText(held.area) : 'city',
        {
          id,
          action: held.name,
        },
      );
    }
    return this.settle(held, state, by, outcome);
  }

  private settle(held: Held, state: Confirmation['state'], by: Operator | null, outcome: string | null): Confirmation {
    const confirmation: Confirmation = {
      ...held.confirmation,
      state,
      decidedBy: by ? person(by) : null,
      outcome: outcome?.slice(0, 500) ?? null,
    };
    this.decided.unshift(confirmation);
    this.decided.length = Math.min(this.decided.length, KEEP_DECIDED);
    this.options.emit(confirmation);
    return confirmation;
  }
}

/** What an approved command produced, in a word: the id of what it made (a broadcast), if any. */
function outcomeOf(output: unknown): string | null {
  const id = (output as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
}
