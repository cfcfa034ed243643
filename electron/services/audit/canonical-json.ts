/**
 * Canonical JSON for hashing a request payload: object keys sorted by UTF-16 code units, no whitespace, strings and
 * numbers as `JSON.stringify` writes them — the rules of RFC 8785 (JCS) for the values a contract payload holds. Two
 * payloads that mean the same thing hash the same, whatever order their keys were built in.
 */
import { createHash } from 'node:crypto';

export class CanonicalJsonError extends Error {}

function write(value: unknown, path: string, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      // JSON.stringify would quietly write NaN and Infinity as null: a different payload with the same hash.
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`${path} is ${value}, which JSON cannot hold`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(`${path} is a ${typeof value}, which JSON cannot hold`);
  }
  const object = value;
  if (seen.has(object)) throw new CanonicalJsonError(`${path} refers back to itself`);
  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return write((toJSON as () => unknown).call(object), path, seen);
  seen.add(object);
  try {
    if (Array.isArray(object)) {
      return `[${object.map((item: unknown, i) => (item === undefined ? 'null' : write(item, `${path}[${i}]`, seen))).join(',')}]`;
    }
    const prototype = Object.getPrototypeOf(object) as unknown;
    if (prototype !== Object.prototype && prototype !== null) {
      // A typed array or a Map would serialise as something that does not say what it holds.
      const kind = (object as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new CanonicalJsonError(`${path} is a ${kind}, not a plain object`);
    }
    const record = object as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${write(record[key], `${path}.${key}`, seen)}`);
    return `{${members.join(',')}}`;
  } finally {
    seen.delete(object);
  }
}

/** The canonical JSON text of a JSON value; throws a CanonicalJsonError for anything JSON cannot hold exactly. */
export function canonicalJson(value: unknown): string {
  return write(value, 'payload', new Set());
}

/** SHA-256 of the payload's canonical JSON (UTF-8); `undefined` (no payload) hashes as `null`. */
export function payloadHash(payload: unknown): Buffer {
  return createHash('sha256')
    .update(canonicalJson(payload ?? null), 'utf8')
    .digest();
}
