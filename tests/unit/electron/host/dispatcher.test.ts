import { describe, expect, it, vi } from 'vitest';
import { createDispatcher, type CallContext, type CallGate, type Handlers } from '../../../../electron/host/dispatcher';
import { createMemoryLogger } from '../../../../electron/host/logger';
import {
  ContractError,
  INVOKE_NAMES,
  type AppInfo,
  type CityOutline,
  type Settings,
} from '../../../../shared/contract';

const context = { host: 'web' as const, client: 'web-1' };

const notUsedHere = (): never => {
  throw new Error('not used in these tests');
};

function setup(overrides: Partial<Handlers> = {}) {
  const log = createMemoryLogger();
  const handlers: Handlers = {
    // Entries these tests do not call: every one throws if it is ever reached.
    ...(Object.fromEntries(INVOKE_NAMES.map((name) => [name, vi.fn(notUsedHere)])) as unknown as Handlers),
    'app.getInfo': vi.fn((): AppInfo => ({
      name: 'Gridline',
      version: '1.0.0',
      host: 'web',
      startedAt: '2026-11-23T00:00:00.000Z',
    })),
    'city.getOutline': vi.fn((): CityOutline => {
      throw new Error('disk on fire at /secret/path');
    }),
    'settings.get': vi.fn(() => ({ language: 'zh-CN' as const })),
    'settings.update': vi.fn((patch: Partial<Settings>) => ({ language: patch.language ?? 'zh-CN' })),
    ...overrides,
  };
  // A gate that admits everything and notes what it was asked: the real one is tested in access-control.test.ts.
  const gate = {
    admit: vi.fn((_name: string, _input: unknown, context: CallContext) => ({ ok: true as const, context })),
    audits: vi.fn((name: string) => name === 'settings.update'),
    record: vi.fn(),
  } satisfies CallGate;
  return { dispatch: createDispatcher(handlers, log, gate).dispatch, handlers, log, gate };
}

describe('dispatcher', () => {
  it('runs the handler with the validated input and returns its output', async () => {
    const { dispatch, handlers } = setup();
    await expect(dispatch('settings.update', { language: 'en' }, context)).resolves.toEqual({
      ok: true,
      output: { language: 'en' },
    });
    expect(handlers['settings.update']).toHaveBeenCalledWith({ language: 'en' }, context);
  });

  it('refuses invalid input with a typed error naming the field, without running the handler', async () => {
    const { dispatch, handlers, log } = setup();
    const result = await dispatch('settings.update', { language: 'fr' }, context);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input', issues: [{ path: 'language' }] } });
    expect(handlers['settings.update']).not.toHaveBeenCalled();
    expect(log.entries.at(-1)).toMatchObject({ level: 'warn', event: 'contract.invalid-input' });
  });

  it('refuses an input zod itself cannot read (a fake typed array whose length getter throws) as invalid', async () => {
    const { dispatch, handlers } = setup();
    const fake: unknown = Object.create(Uint8Array.prototype);
    await expect(dispatch('session.unlock', { password: fake }, context)).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid-input', issues: [{ message: expect.stringContaining('unreadable input') as unknown }] },
    });
    expect(handlers['session.unlock']).not.toHaveBeenCalled();
  });

  it('refuses unknown entries, including names that are not strings', async () => {
    const { dispatch } = setup();
    // An object without a prototype has no toString: describing it must not throw either.
    for (const name of ['settings.delete', '__proto__', 'constructor', 42, null, Object.create(null), Symbol('x')]) {
      await expect(dispatch(name, {}, context)).resolves.toMatchObject({ ok: false, error: { code: 'unknown-entry' } });
    }
  });

  it('turns a handler crash into an internal error, logs the detail and leaks none of it', async () => {
    const { dispatch, log } = setup();
    const result = await dispatch('city.getOutline', {}, context);
    expect(result).toEqual({
      ok: false,
      error: { code: 'internal', message: 'city.getOutline failed; see the console log' },
    });
    expect(JSON.stringify(result)).not.toContain('/secret/path');
    expect(log.entries.at(-1)).toMatchObject({ level: 'error', event: 'contract.handler-failed' });
    expect(String(log.entries.at(-1)?.fields.error)).toContain('disk on fire');
  });

  it('passes a ContractError from a handler through as it is', async () => {
    const { dispatch } = setup({
      'settings.get': () => {
        throw new ContractError({ code: 'unavailable', message: 'store is migrating' });
      },
    });
    await expect(dispatch('settings.get', {}, context)).resolves.toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'store is migrating' },
    });
  });

  it('asks the gate after validating and before the handler; a refusal stops the call', async () => {
    const { dispatch, handlers, gate } = setup();
    await dispatch('settings.update', { language: 'fr' }, context);
    expect(gate.admit).not.toHaveBeenCalled();
    gate.admit.mockReturnValueOnce({ ok: false, error: { code: 'forbidden', message: 'not yours' } } as never);
    await expect(dispatch('settings.update', { language: 'en' }, context)).resolves.toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'not yours' },
    });
    expect(handlers['settings.update']).not.toHaveBeenCalled();
    expect(gate.record).not.toHaveBeenCalled();
  });

  it('records an audited entry after it ran, with its result; an unaudited one only when it failed', async () => {
    const { dispatch, gate } = setup({
      'settings.update': () => {
        throw new ContractError({ code: 'refused', message: 'settings are read-only here' });
      },
    });
    await dispatch('settings.update', { language: 'en' }, context);
    expect(gate.record).toHaveBeenLastCalledWith(
      'settings.update',
      { language: 'en' },
      context,
      undefined,
      'refused',
      'settings are read-only here',
    );
    await dispatch('settings.get', {}, context);
    expect(gate.record).toHaveBeenCalledTimes(1);
    await dispatch('city.getOutline', {}, context);
    expect(gate.record).toHaveBeenLastCalledWith(
      'city.getOutline',
      {},
      context,
      undefined,
      'failed',
      expect.any(String) as unknown,
    );
  });

  it('refuses to send an output that breaks the contract', async () => {
    const { dispatch } = setup({ 'settings.get': () => ({ language: 'klingon' }) as never });
    await expect(dispatch('settings.get', {}, context)).resolves.toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });
});
