import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson, payloadHash } from '../../../../../electron/services/audit/canonical-json';

describe('canonical JSON for payload hashes', () => {
  it('sorts keys at every depth and drops whitespace and undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('hashes the same payload the same whatever order its keys were built in', () => {
    expect(payloadHash({ target: { kind: 'city' }, text: '注意', priority: 'urgent' })).toEqual(
      payloadHash({ priority: 'urgent', text: '注意', target: { kind: 'city' } }),
    );
    expect(payloadHash({ a: 1 })).not.toEqual(payloadHash({ a: 2 }));
  });

  it('hashes the UTF-8 of the canonical text, and no payload as null', () => {
    const sha = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
    expect(payloadHash({ 名: '郑州', n: 1.5 })).toEqual(sha('{"n":1.5,"名":"郑州"}'));
    expect(payloadHash(undefined)).toEqual(sha('null'));
  });

  it('writes arrays with holes and undefined as null, dates as their JSON', () => {
    expect(canonicalJson([undefined, new Date(0)])).toBe('[null,"1970-01-01T00:00:00.000Z"]');
  });

  it.each([
    { title: 'NaN', value: { n: Number.NaN }, error: /payload\.n is NaN/ },
    { title: 'Infinity', value: [Infinity], error: /payload\[0\] is Infinity/ },
    { title: 'a bigint', value: { id: 1n }, error: /bigint/ },
    { title: 'a function', value: { f: () => 1 }, error: /function/ },
    { title: 'a Map', value: { m: new Map() }, error: /Map, not a plain object/ },
    { title: 'a typed array', value: new Uint8Array(2), error: /Uint8Array/ },
  ])('refuses $title (JSON cannot hold it exactly)', ({ value, error }) => {
    expect(() => canonicalJson(value)).toThrow(CanonicalJsonError);
    expect(() => canonicalJson(value)).toThrow(error);
  });

  it('refuses a cycle but accepts the same object twice', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(/refers back to itself/);
  });
});
