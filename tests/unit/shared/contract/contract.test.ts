import { describe, expect, it } from 'vitest';
import {
  createApi,
  EVENT_NAMES,
  eventContract,
  INVOKE_NAMES,
  invokeContract,
  type Transport,
} from '../../../../shared/contract';

describe('contract', () => {
  it('declares exactly the entries the preload exposes', () => {
    expect(Object.keys(invokeContract).sort()).toEqual([...INVOKE_NAMES].sort());
    expect(Object.keys(eventContract).sort()).toEqual([...EVENT_NAMES].sort());
  });

  describe.each(INVOKE_NAMES.map((name) => [name, invokeContract[name]] as const))('%s', (_name, entry) => {
    it('accepts its example', () => {
      expect(entry.input.safeParse(entry.example).success).toBe(true);
    });

    it('has malformed examples, and rejects every one of them', () => {
      expect(entry.invalidExamples.length).toBeGreaterThanOrEqual(3);
      for (const bad of entry.invalidExamples) {
        expect(entry.input.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
      }
    });

    it('rejects hostile shapes: prototype keys, huge strings, nested junk', () => {
      const hostile = [
        JSON.parse('{"__proto__": {"polluted": true}, "language": "en", "x": 1}'),
        { language: 'x'.repeat(100_000) },
        { language: { $gt: '' } },
      ];
      for (const bad of hostile) expect(entry.input.safeParse(bad).success).toBe(false);
      expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    });
  });

  describe.each(EVENT_NAMES.map((name) => [name, eventContract[name]] as const))('event %s', (_name, entry) => {
    it('accepts its example payload and rejects a malformed one', () => {
      expect(entry.payload.safeParse(entry.example).success).toBe(true);
      expect(entry.payload.safeParse({ language: 'xx' }).success).toBe(false);
      expect(entry.payload.safeParse(null).success).toBe(false);
    });
  });
});

describe('createApi', () => {
  it('maps api.<namespace>.<method> to the entry <namespace>.<method> and events to subscriptions', async () => {
    const calls: [string, unknown][] = [];
    const subscriptions: string[] = [];
    const transport: Transport = {
      invoke: (name, input) => {
        calls.push([name, input]);
        return Promise.resolve(`answer to ${name}`);
      },
      subscribe: (name) => {
        subscriptions.push(name);
        return () => undefined;
      },
      connection: () => 'connected',
      onConnectionChange: () => () => undefined,
    };
    const api = createApi(transport);
    await expect(api.city.getOutline({})).resolves.toBe('answer to city.getOutline');
    await api.settings.update({ language: 'en' });
    api.events.on('settings.changed', () => undefined);
    expect(calls).toEqual([
      ['city.getOutline', {}],
      ['settings.update', { language: 'en' }],
    ]);
    expect(subscriptions).toEqual(['settings.changed']);
  });
});
