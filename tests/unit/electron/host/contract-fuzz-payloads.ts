/**
 * Seeded payloads for the contract fuzzer: random values of every type and depth, hostile shapes (prototype keys,
 * huge strings and arrays, NaN / Infinity / -0, cycles, deep nesting), values built from the entry's schema (every
 * branch of a union), and mutations of those and of the entry's example (a field dropped, an unknown one added,
 * types swapped, numbers pushed past their bounds, deep nesting). The strings, numbers and keys a schema itself
 * mentions (enum values, literals, field names, bounds ± 1, lengths ± 1) are mixed in, so a good share of what is
 * generated still passes the schema and reaches the handler.
 *
 * Everything is drawn from one seeded `Random`: the same seed gives the same payloads in the same order.
 */
import type { z } from 'zod';
import { Random } from '../../../../electron/services/city/generator/random';

/** What a schema mentions: the raw material for payloads that come close to valid. */
export interface Vocabulary {
  strings: string[];
  numbers: number[];
  keys: string[];
  /** String and array lengths the schema bounds, with their neighbours. */
  lengths: number[];
}

interface ZodNode {
  _zod: { def: Record<string, unknown> };
}
const isZodNode = (value: unknown): value is ZodNode =>
  typeof value === 'object' && value !== null && '_zod' in value && typeof value._zod === 'object';

/** Walks a zod 4 schema (its `_zod.def`) and collects enum values, literals, object keys and bounds. */
export function vocabularyOf(schemas: readonly z.ZodType[], extra: Partial<Vocabulary> = {}): Vocabulary {
  const strings = new Set<string>(extra.strings);
  const numbers = new Set<number>(extra.numbers);
  const keys = new Set<string>(extra.keys);
  const lengths = new Set<number>(extra.lengths);
  const seen = new Set<object>();
  const addPrimitive = (value: unknown): void => {
    if (typeof value === 'string') strings.add(value);
    else if (typeof value === 'number') numbers.add(value);
  };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isZodNode(node) || seen.has(node)) return;
    seen.add(node);
    for (const [key, value] of Object.entries(node._zod.def)) {
      if (key === 'entries' && typeof value === 'object' && value !== null) Object.values(value).forEach(addPrimitive);
      else if (key === 'values' && Array.isArray(value)) value.forEach(addPrimitive);
      else if (key === 'shape' && typeof value === 'object' && value !== null) {
        for (const [name, field] of Object.entries(value)) {
          keys.add(name);
          visit(field);
        }
      } else if (key === 'checks' && Array.isArray(value)) {
        for (const check of value) {
          if (!isZodNode(check)) continue;
          const { value: bound, minimum, maximum, length } = check._zod.def;
          if (typeof bound === 'number') [bound - 1, bound - 0.5, bound, bound + 0.5, bound + 1].forEach(addPrimitive);
          for (const size of [minimum, maximum, length]) {
            if (typeof size === 'number') [size - 1, size, size + 1].forEach((n) => n >= 0 && lengths.add(n));
          }
        }
      } else visit(value);
    }
  };
  schemas.forEach(visit);
  return { strings: [...strings], numbers: [...numbers], keys: [...keys], lengths: [...lengths] };
}

/** Every string and number in a plain value (an entry's examples), to add to a vocabulary. */
export function leavesOf(values: readonly unknown[]): { strings: string[]; numbers: number[]; keys: string[] } {
  const strings: string[] = [];
  const numbers: number[] = [];
  const keys: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 8) return;
    if (typeof value === 'string' && value.length <= 256) strings.push(value);
    else if (typeof value === 'number') numbers.push(value);
    else if (Array.isArray(value)) value.forEach((item) => visit(item, depth + 1));
    else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        keys.push(key);
        visit(item, depth + 1);
      }
    }
  };
  values.forEach((value) => visit(value, 0));
  return { strings, numbers, keys };
}

const SPECIAL_NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  NaN,
  Infinity,
  -Infinity,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  Number.MIN_SAFE_INTEGER,
  -(2 ** 53) - 2,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.EPSILON,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 32,
  1e21,
  -1e-7,
  180.000001,
  -90.000001,
];

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];

/** One MiB of text: made once, shared by every payload that uses it. */
const HUGE_STRING = 'x'.repeat(1 << 20);

const SPECIAL_STRINGS = [
  '',
  ' ',
  '\t\n\r ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '😀',
  '\u202e\u200b',
  '%',
  '_',
  '%_%',
  "'",
  '"',
  "'; DROP TABLE grids; --",
  '\\',
  '../../../../etc/passwd',
  '/',
  '.',
  '/dev/null',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
  '0x10',
  '{}',
  '[]',
  ...PROTOTYPE_KEYS,
  HUGE_STRING,
];

export type PayloadKind =
  'example' | 'invalid-example' | 'hostile' | 'mutation' | 'variant' | 'generated' | 'plausible' | 'random';

export interface Payload {
  kind: PayloadKind;
  value: unknown;
}

/** Sets an own property, even `__proto__` (an assignment would set the prototype instead). */
function defineOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

/** An object that holds fields (not an array, a typed array, a Map, a Date…). */
function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === null || proto === Object.prototype;
}

/** Arrays nested `depth` deep around a value. */
function nestArrays(value: unknown, depth: number): unknown {
  let out = value;
  for (let i = 0; i < depth; i++) out = [out];
  return out;
}

/** Objects nested `depth` deep around a value. */
function nestObjects(value: unknown, depth: number): unknown {
  let out = value;
  for (let i = 0; i < depth; i++) out = { a: out };
  return out;
}

function cyclic(): unknown {
  const node: Record<string, unknown> = { id: 1 };
  node.self = node;
  node.list = [node];
  return node;
}

/**
 * The generator. `vocabulary` is what the entry's schema mentions plus anything the caller knows to be interesting
 * (real ids, names, file paths): random choices lean on it.
 */
export class PayloadFuzzer {
  constructor(
    private readonly random: Random,
    private readonly vocabulary: Vocabulary,
  ) {}

  private chance(p: number): boolean {
    return this.random.next() < p;
  }

  private length(): number {
    const { lengths } = this.vocabulary;
    return lengths.length > 0 && this.chance(0.6) ? this.random.pick(lengths) : this.random.int(0, 8);
  }

  number(): number {
    const roll = this.random.next();
    if (roll < 0.3) return this.random.pick(SPECIAL_NUMBERS);
    if (roll < 0.6 && this.vocabulary.numbers.length > 0) return this.random.pick(this.vocabulary.numbers);
    if (roll < 0.8) return this.random.int(-3, 100);
    return (this.random.next() - 0.5) * 10 ** this.random.int(0, 12);
  }

  string(): string {
    const roll = this.random.next();
    if (roll < 0.2) return this.random.pick(SPECIAL_STRINGS);
    if (roll < 0.55 && this.vocabulary.strings.length > 0) return this.random.pick(this.vocabulary.strings);
    if (roll < 0.7) {
      // A vocabulary word bent a little: case, whitespace, a suffix.
      const word = this.vocabulary.strings.length > 0 ? this.random.pick(this.vocabulary.strings) : 'x';
      return this.random.pick([word.toUpperCase(), ` ${word} `, `${word}x`, word.slice(1), `${word}\u0000`]);
    }
    if (roll < 0.85) return 'x'.repeat(this.length());
    const size = this.random.int(0, 24);
    let out = '';
    for (let i = 0; i < size; i++) {
      out += String.fromCharCode(this.chance(0.7) ? this.random.int(32, 126) : this.random.int(0, 0xffff));
    }
    return out;
  }

  key(): string {
    const roll = this.random.next();
    if (roll < 0.5 && this.vocabulary.keys.length > 0) return this.random.pick(this.vocabulary.keys);
    if (roll < 0.7) return this.random.pick(PROTOTYPE_KEYS);
    return this.string().slice(0, 32);
  }

  /** Any value: primitives, containers up to a few levels deep, and the exotic values structured clone carries. */
  value(depth = 0): unknown {
    const roll = this.random.next();
    if (roll < 0.08) return this.random.pick([null, undefined, true, false]);
    if (roll < 0.3) return this.number();
    if (roll < 0.52) return this.string();
    if (roll < 0.68 && depth < 4) {
      return Array.from({ length: this.random.int(0, 5) }, () => this.value(depth + 1));
    }
    if (roll < 0.86 && depth < 4) return this.object(depth + 1);
    return this.exotic(depth);
  }

  /** An object of random keys (schema keys first among them) and random values. */
  object(depth = 0): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const size = this.random.int(0, 5);
    for (let i = 0; i < size; i++) defineOwn(out, this.key(), this.value(depth + 1));
    return out;
  }

  /** Values a JSON generator would never make but Electron's structured clone (or a bug) can. */
  exotic(depth = 0): unknown {
    switch (this.random.int(0, 14)) {
      case 0:
        return BigInt(this.random.int(-5, 5)) * 2n ** 70n;
      case 1:
        return new Date(this.chance(0.5) ? NaN : this.random.int(0, 2 ** 40));
      case 2:
        return new Map([[this.key(), this.value(depth + 1)]]);
      case 3:
        return new Set([this.value(depth + 1)]);
      case 4:
        return this.random.pick([Int32Array, Float64Array, Uint8Array, Float32Array]).from([1, 2, 3]);
      case 5:
        return new ArrayBuffer(this.random.int(0, 16));
      case 6:
        return cyclic();
      case 7: {
        const bare = Object.create(null) as Record<string, unknown>;
        bare[this.key()] = this.value(depth + 1);
        return bare;
      }
      case 8:
        return nestArrays(this.random.pick([1, 'x', null]), this.random.int(50, 5000));
      case 9:
        return nestObjects(this.random.pick([1, 'x', null]), this.random.int(50, 5000));
      case 10:
        return new Array<unknown>(this.random.pick([65, 2001, 50_001, 200_000])).fill(this.value(4));
      case 11: {
        const sparse: unknown[] = [];
        sparse[this.random.int(1, 100_000)] = 1;
        return sparse;
      }
      case 12:
        return JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
      case 13:
        return /x/g;
      default:
        return HUGE_STRING;
    }
  }

  /**
   * A value built from the schema itself, meant to pass it: every branch of a union, optional fields present or not,
   * numbers and lengths inside their bounds, words from the vocabulary. Refinements are not solved: the contract's
   * own verdict decides what is valid. Reaches what mutating the one example never would (another target kind, the
   * grid card by id).
   */
  generate(schema: unknown, depth = 0): unknown {
    if (!isZodNode(schema) || depth > 12) return this.value(2);
    const def = schema._zod.def;
    const checks = (Array.isArray(def.checks) ? def.checks : []).filter(isZodNode).map((check) => check._zod.def);
    const bound = (name: string): { value: number; inclusive: boolean } | undefined => {
      const check = checks.find((c) => c.check === name);
      return check && typeof check.value === 'number'
        ? { value: check.value, inclusive: check.inclusive !== false }
        : undefined;
    };
    const size = (name: string): number | undefined => {
      const check = checks.find((c) => c.check === name);
      const value = check?.minimum ?? check?.maximum;
      return typeof value === 'number' ? value : undefined;
    };
    switch (def.type) {
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const [key, field] of Object.entries(def.shape as Record<string, unknown>)) {
          const optional = isZodNode(field) && field._zod.def.type === 'optional';
          if (!optional || this.chance(0.5)) out[key] = this.generate(field, depth + 1);
        }
        return out;
      }
      case 'optional':
      case 'default':
      case 'readonly':
        return this.generate(def.innerType, depth + 1);
      case 'nullable':
        return this.chance(0.2) ? null : this.generate(def.innerType, depth + 1);
      case 'pipe':
        return this.generate(def.in, depth + 1);
      case 'union':
        return this.generate(this.random.pick(def.options as unknown[]), depth + 1);
      case 'tuple':
        return (def.items as unknown[]).map((item) => this.generate(item, depth + 1));
      case 'array': {
        const min = size('min_length') ?? 0;
        const max = Math.max(min, size('max_length') ?? min + 8);
        // Now and then the longest the schema allows; else a handful.
        const length = this.chance(0.05) ? max : this.random.int(min, Math.min(max, min + 6));
        return Array.from({ length }, () => this.generate(def.element, depth + 1));
      }
      case 'literal':
        return this.random.pick(def.values as unknown[]);
      case 'enum':
        return this.random.pick(Object.values(def.entries as Record<string, unknown>));
      case 'boolean':
        return this.chance(0.5);
      case 'number': {
        const low = bound('greater_than');
        const high = bound('less_than');
        const integer = checks.some((c) => c.check === 'number_format' && c.format !== 'float64');
        const lo = low ? low.value + (low.inclusive ? 0 : integer ? 1 : 1e-9) : -1e6;
        const hi = high ? high.value - (high.inclusive ? 0 : integer ? 1 : 1e-9) : 1e6;
        const inRange = this.vocabulary.numbers.filter((n) => n >= lo && n <= hi && (!integer || Number.isInteger(n)));
        const roll = this.random.next();
        if (roll < 0.4 && inRange.length > 0) return this.random.pick(inRange);
        if (roll < 0.55) return this.random.pick([lo, hi]);
        const n = lo + (hi - lo) * this.random.next();
        return integer ? Math.min(hi, Math.max(lo, Math.round(n))) : n;
      }
      case 'string': {
        const min = size('min_length') ?? 0;
        const max = size('max_length') ?? Math.max(min, 64);
        const fits = this.vocabulary.strings.filter((text) => text.length >= min && text.length <= max);
        if (fits.length > 0 && this.chance(0.7)) return this.random.pick(fits);
        return 'x'.repeat(this.random.int(Math.max(min, 1), Math.max(min, Math.min(max, 24))));
      }
      default:
        return this.value(2);
    }
  }

  /** An object with the schema's keys (a random subset) and random values: often close to valid. */
  plausible(): unknown {
    const out: Record<string, unknown> = {};
    for (const key of this.vocabulary.keys) {
      if (this.chance(0.6)) defineOwn(out, key, this.chance(0.5) ? this.leafLike() : this.value(1));
    }
    return out;
  }

  private leafLike(): unknown {
    return this.random.pick([() => this.number(), () => this.string(), () => this.chance(0.5)])();
  }

  /**
   * The example with some of its leaves swapped for schema words of the same type, and maybe an optional field the
   * schema knows added: mostly valid, so the handler runs on inputs nobody wrote by hand.
   */
  variant(example: unknown): unknown {
    const { strings, numbers, keys } = this.vocabulary;
    const swap = (value: unknown, depth: number): unknown => {
      if (typeof value === 'number' && numbers.length > 0 && this.chance(0.5)) return this.random.pick(numbers);
      if (typeof value === 'string' && strings.length > 0 && this.chance(0.5)) return this.random.pick(strings);
      if (typeof value === 'boolean' && this.chance(0.5)) return !value;
      if (depth > 6 || typeof value !== 'object' || value === null) return value;
      if (Array.isArray(value)) return value.map((item) => swap(item, depth + 1));
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = swap(item, depth + 1);
      if (keys.length > 0 && this.chance(0.3)) {
        const key = this.random.pick(keys);
        if (!(key in out) && key !== '__proto__')
          out[key] = this.chance(0.5) ? this.random.pick(numbers) : this.random.pick(strings);
      }
      return out;
    };
    return swap(structuredClone(example), 0);
  }

  /** The example with one to three mutations at random places in it. */
  mutate(example: unknown): unknown {
    let out: unknown = structuredClone(example);
    const count = this.random.int(1, 3);
    for (let i = 0; i < count; i++) out = this.mutateOnce(out);
    return out;
  }

  private mutateOnce(root: unknown): unknown {
    // Every place in the tree (the root included) as a parent and a key; pick one.
    const places: { parent: Record<string, unknown> | unknown[] | null; key: string | number; value: unknown }[] = [
      { parent: null, key: '', value: root },
    ];
    const walk = (value: unknown, depth: number): void => {
      if (depth > 6 || typeof value !== 'object' || value === null) return;
      if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof Map || value instanceof Set) return;
      // Index by index, not slice().map(): map skips the holes of a sparse array.
      const entries = Array.isArray(value)
        ? Array.from({ length: Math.min(value.length, 50) }, (_, index) => [index, value[index] as unknown] as const)
        : Object.entries(value);
      for (const [key, item] of entries) {
        places.push({ parent: value as Record<string, unknown>, key, value: item });
        walk(item, depth + 1);
      }
    };
    walk(root, 0);
    const place = this.random.pick(places);
    const replace = (next: unknown): unknown => {
      if (place.parent === null) return next;
      if (Array.isArray(place.parent)) place.parent[place.key as number] = next;
      else defineOwn(place.parent, String(place.key), next);
      return root;
    };
    const { value } = place;
    // Half the time a leaf gets another value of its own type (often still valid); else anything below.
    if (this.chance(0.5) && ['number', 'string', 'boolean'].includes(typeof value)) {
      return replace(typeof value === 'number' ? this.number() : typeof value === 'string' ? this.string() : !value);
    }
    switch (this.random.int(0, 9)) {
      case 0: {
        // Drop a field (or an array element).
        if (Array.isArray(value) && value.length > 0) value.splice(this.random.int(0, value.length - 1), 1);
        else if (typeof value === 'object' && value !== null) {
          const keys = Object.keys(value);
          if (keys.length > 0) Reflect.deleteProperty(value, this.random.pick(keys));
        } else if (place.parent !== null && !Array.isArray(place.parent)) {
          Reflect.deleteProperty(place.parent, String(place.key));
        }
        return root;
      }
      case 1: {
        // Add an unknown (or prototype) field.
        if (isPlainObject(value)) {
          defineOwn(value, this.chance(0.05) ? HUGE_STRING : this.key(), this.value(2));
          return root;
        }
        return replace(this.value(1));
      }
      case 2:
        return replace(this.swapType(value));
      case 3:
        return replace(typeof value === 'number' ? this.nearNumber(value) : this.number());
      case 4:
        return replace(typeof value === 'string' ? this.bentString(value) : this.string());
      case 5:
        return replace(
          this.chance(0.5) ? nestArrays(value, this.random.int(1, 2000)) : nestObjects(value, this.random.int(1, 2000)),
        );
      case 6: {
        const size = this.random.pick([0, ...this.vocabulary.lengths, 100_000]);
        // Many copies of an element (valid or not), or of something else entirely.
        const item: unknown = Array.isArray(value) && value.length > 0 && this.chance(0.5) ? value[0] : this.value(3);
        return replace(new Array<unknown>(size).fill(item));
      }
      case 7: {
        // The same content under a prototype key, or reached only through the prototype chain.
        const holder: Record<string, unknown> = {};
        defineOwn(holder, this.random.pick(PROTOTYPE_KEYS), value);
        return replace(this.chance(0.5) ? holder : Object.create(value === null ? null : (Object(value) as object)));
      }
      case 8:
        return replace(this.exotic(2));
      default:
        return replace(this.value(1));
    }
  }

  private swapType(value: unknown): unknown {
    if (typeof value === 'number') return this.random.pick([String(value), [value], { value }, value > 0, null]);
    if (typeof value === 'string') return this.random.pick([Number(value), [value], value.length > 0, null, { value }]);
    if (typeof value === 'boolean') return this.random.pick([Number(value), String(value), [value], null]);
    if (Array.isArray(value)) return this.random.pick([Object.assign({}, value), value.length, describePayload(value)]);
    if (typeof value === 'object' && value !== null) {
      return this.random.pick([Object.values(value), describePayload(value), 1]);
    }
    return this.value(1);
  }

  private nearNumber(value: number): number {
    return this.random.pick([
      value + 1,
      value - 1,
      value + 0.5,
      -value,
      value * 1e6,
      value / 3,
      Math.fround(value) + Number.EPSILON,
      this.number(),
    ]);
  }

  private bentString(value: string): string {
    return this.random.pick([
      '',
      ' ',
      value.toUpperCase(),
      ` ${value}`,
      `${value}\u0000`,
      value.repeat(this.random.int(2, 70)),
      value.padEnd(this.random.pick([...this.vocabulary.lengths, 4097]), value || 'x'),
      this.string(),
    ]);
  }

  /** Fixed hostile shapes, around the entry's example where that makes them sharper. */
  hostile(example: unknown): unknown[] {
    const underProto = JSON.parse(`{"__proto__": ${JSON.stringify(example)}}`) as unknown;
    const bare = Object.assign(Object.create(null) as object, example);
    const inherited = Object.create(Object(example) as object) as unknown;
    const withConstructor = Object.assign({}, example, { constructor: { prototype: { polluted: true } } });
    const polluting = Object.assign({}, example);
    defineOwn(polluting, '__proto__', { polluted: true });
    const hugeKey = Object.assign({}, example, { [HUGE_STRING]: 1 });
    const manyKeys = Object.assign(
      {},
      example,
      Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])),
    );
    return [
      undefined,
      null,
      NaN,
      Infinity,
      -Infinity,
      -0,
      10n ** 30n,
      HUGE_STRING,
      new Array<null>(100_000).fill(null),
      [example],
      nestArrays(example, 10_000),
      nestObjects(example, 10_000),
      cyclic(),
      underProto,
      bare,
      inherited,
      withConstructor,
      polluting,
      hugeKey,
      manyKeys,
      new Map(Object.entries(example as object)),
      new Date(),
      Int32Array.from([1, 2, 3]),
    ];
  }

  /** The full set for one entry: its example, its invalid examples, the hostile shapes and `count` generated ones. */
  payloads(
    entry: { input: z.ZodType; example: unknown; invalidExamples: readonly unknown[] },
    count: number,
  ): Payload[] {
    const out: Payload[] = [
      { kind: 'example', value: structuredClone(entry.example) },
      ...entry.invalidExamples.map((value): Payload => ({ kind: 'invalid-example', value })),
      ...this.hostile(entry.example).map((value): Payload => ({ kind: 'hostile', value })),
    ];
    for (let i = 0; i < count; i++) {
      const roll = this.random.next();
      // Mutations start from the example or from a value generated from the schema.
      const base = (): unknown => (this.chance(0.5) ? entry.example : this.generate(entry.input));
      if (roll < 0.35) out.push({ kind: 'mutation', value: this.mutate(base()) });
      else if (roll < 0.5) out.push({ kind: 'variant', value: this.variant(entry.example) });
      else if (roll < 0.7) out.push({ kind: 'generated', value: this.generate(entry.input) });
      else if (roll < 0.85) out.push({ kind: 'plausible', value: this.plausible() });
      else out.push({ kind: 'random', value: this.value() });
    }
    return out;
  }
}

/** A short, safe description of a payload for a failure message: truncated, cycle-proof, bigint-proof. */
export function describePayload(value: unknown, budget = 300): string {
  const seen = new Set<object>();
  const show = (item: unknown, depth: number): string => {
    if (typeof item === 'string') {
      return item.length > 40 ? `${JSON.stringify(item.slice(0, 40))}…(${item.length} chars)` : JSON.stringify(item);
    }
    if (typeof item === 'bigint') return `${item}n`;
    if (typeof item === 'number') return Object.is(item, -0) ? '-0' : String(item);
    if (typeof item !== 'object' || item === null) return String(item);
    if (seen.has(item)) return '[cycle]';
    if (depth > 3) return Array.isArray(item) ? '[…]' : '{…}';
    seen.add(item);
    const proto = Object.getPrototypeOf(item) as unknown;
    try {
      // By the prototype itself: an object that merely inherits from a Date is no Date to call methods on.
      if (ArrayBuffer.isView(item)) return `${item.constructor.name}(${item.byteLength} bytes)`;
      if (proto === Date.prototype) return `Date(${(item as Date).getTime()})`;
      if (proto === RegExp.prototype) return (item as RegExp).toString();
      if (proto === Map.prototype) return `Map(${(item as Map<unknown, unknown>).size})`;
      if (proto === Set.prototype) return `Set(${(item as Set<unknown>).size})`;
      if (Array.isArray(item)) {
        const shown = Array.from({ length: Math.min(item.length, 5) }, (_, i) => show(item[i], depth + 1));
        return `[${shown.join(', ')}${item.length > 5 ? `, …(${item.length} items)` : ''}]`;
      }
      const prefix = proto === null ? 'null-proto ' : proto === Object.prototype ? '' : 'inheriting ';
      const fields = Object.keys(item).map(
        (key) => `${JSON.stringify(key)}: ${show((item as Record<string, unknown>)[key], depth + 1)}`,
      );
      return `${prefix}{${fields.join(', ')}}`;
    } catch {
      return '(unprintable)';
    } finally {
      seen.delete(item);
    }
  };
  const text = show(value, 0);
  return text.length > budget ? `${text.slice(0, budget)}…` : text;
}

export { Random };
