/**
 * Suggests a ticket category from the text of a citizen's report: BM25 over one small document per leaf of the
 * taxonomy (resources/taxonomy/categories.json), with the words that led to each suggestion. A transparent baseline:
 * no model, no download, the same answer for the same text on every machine.
 *
 * Tokens. Chinese has no spaces, so a run of Han characters becomes its overlapping character bigrams ("井盖丢失" →
 * 井盖 盖丢 丢失); a leaf's one-character keywords (树, 桥, 冷) are indexed as unigrams, and the report offers every
 * character as a unigram too, at a lower weight, so that those keywords can match. Runs of letters and digits become
 * lower-cased words (English stop words dropped, a plural "s" trimmed). Everything else — punctuation, emoji, HTML
 * tags and entities, SQL — only separates tokens: a report is always plain text here.
 *
 * Documents. A leaf's document is its keywords and name (weighted up), its parents' names (weighted down: many
 * leaves share them) and its English name, lower-cased. Term frequencies are weighted by field (BM25F, simplified).
 *
 * shared/ code: no Node built-ins, no DOM; the caller flattens the taxonomy it has read and hands the rows in.
 */
import type { CategoryRow } from '../taxonomy';

/** One suggested category. */
export interface CategorySuggestion {
  /** The leaf's code, e.g. "030201". */
  code: string;
  name: string;
  nameEn: string;
  /** BM25 score: comparable between leaves for one text, not between texts. */
  score: number;
  /**
   * The leaf's share of the summed scores of the best `CONFIDENCE_POOL` leaves for this text, in 0..1: 1 when it is
   * the only leaf that matches at all, about 1/5 each when five leaves tie. Independent of `limit`.
   */
  confidence: number;
  /**
   * The words of the report that led to this leaf, most telling first: whole keywords or names of the leaf where
   * they occur in the text, otherwise the matched stretches of the text. Each is a substring of the report (after
   * Unicode NFKC normalisation, which turns full-width letters and digits into ASCII).
   */
  matched: string[];
}

/** Ranks the taxonomy's leaves for a report's text. */
export interface CategorySuggester {
  /** Number of leaves indexed. */
  readonly size: number;
  /**
   * The `limit` best leaves for `text`, best first; [] for empty text or text that matches no leaf. Never throws
   * on any string (markup, SQL, emoji, very long text: only its first `MAX_REPORT_CHARS` characters are read).
   */
  suggest(text: string, limit?: number): CategorySuggestion[];
}

/** How many characters of a report are read; reports are short, this bounds the work on a pasted document. */
export const MAX_REPORT_CHARS = 4000;

/** How many leaves share the confidence (see `CategorySuggestion.confidence`). */
export const CONFIDENCE_POOL = 5;

/** At most this many entries in `matched`. */
export const MAX_MATCHED = 5;

/** The most suggestions one call returns, whatever `limit` asks for. */
export const MAX_SUGGESTIONS = 20;

// BM25's usual constants: term-frequency saturation and length normalisation.
const K1 = 1.2;
const B = 0.75;

/** Weight of each field of a leaf's document in its term frequencies. */
const FIELD_WEIGHTS = {
  keyword: 2,
  name: 2,
  parentName: 0.5,
  grandparentName: 0.25,
  nameEn: 1,
} as const;

/** Weight of a report's single characters against its bigrams and words. */
const QUERY_UNIGRAM_WEIGHT = 0.5;

/** Words too common in English category names and reports to tell leaves apart. */
const ENGLISH_STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'by',
  'for',
  'from',
  'has',
  'have',
  'in',
  'into',
  'is',
  'it',
  'its',
  'no',
  'not',
  'of',
  'on',
  'or',
  'our',
  'the',
  'there',
  'this',
  'to',
  'was',
  'with',
]);

/** HTML/XML tags and character entities: markup pasted into a report is not part of what the citizen said. */
const MARKUP = /<\/?[a-z][^<>]*>|&(?:[a-z]+|#\d+|#x[\da-f]+);/gi;

/** One token of a text, with where it sits in that text (UTF-16 offsets). */
interface Token {
  term: string;
  start: number;
  end: number;
  /** A single Han character taken out of a longer run (weighted down in reports). */
  unigram: boolean;
}

/** NFKC (full-width → ASCII) and markup blanked out with spaces, so offsets stay those of the normalised text. */
function normalise(text: string): string {
  const normalised = text.normalize('NFKC');
  return normalised.includes('<') || normalised.includes('&')
    ? normalised.replace(MARKUP, (markup) => ' '.repeat(markup.length))
    : normalised;
}

function latinTerm(word: string): string | null {
  const lower = word.toLowerCase();
  if (lower.length < 2 || ENGLISH_STOP_WORDS.has(lower)) return null;
  // A plural's "s" (lights → light), not "ss" (glass) nor short words (bus).
  if (lower.length > 3 && lower.endsWith('s') && !lower.endsWith('ss')) return lower.slice(0, -1);
  return lower;
}

/** Receives each token of a text, with where it sits in that text (UTF-16 offsets). */
type Emit = (term: string, start: number, end: number, unigram: boolean) => void;

/**
 * The tokens of `text` (already normalised), in order. Han runs give their bigrams; a one-character run gives
 * itself; with `unigrams`, every character of a longer run is given as well (for a report, so it can meet
 * one-character keywords). Code points outside the BMP (rare Han extensions) are handled whole. A hand-written
 * scanner and a callback rather than a regular expression and an array: building the index tokenizes thousands of
 * fields and keeps none of the tokens.
 */
function scan(text: string, unigrams: boolean, emit: Emit): void {
  const length = text.length;
  let i = 0;
  while (i < length) {
    const code = text.codePointAt(i)!;
    const kind = classify(code);
    if (kind === SEPARATOR) {
      i += code > 0xffff ? 2 : 1;
      continue;
    }
    // One run: consecutive code points of the same kind. `starts` holds each character's offset.
    const runStart = i;
    const starts: number[] = [];
    while (i < length) {
      const next = text.codePointAt(i)!;
      if (classify(next) !== kind) break;
      starts.push(i);
      i += next > 0xffff ? 2 : 1;
    }
    if (kind === WORD) {
      const term = latinTerm(text.slice(runStart, i));
      if (term !== null) emit(term, runStart, i, false);
      continue;
    }
    starts.push(i);
    const count = starts.length - 1;
    if (count === 1) {
      emit(text.slice(runStart, i), runStart, i, false);
      continue;
    }
    for (let c = 0; c + 1 < count; c++) emit(text.slice(starts[c], starts[c + 2]), starts[c]!, starts[c + 2]!, false);
    if (unigrams)
      for (let c = 0; c < count; c++) emit(text.slice(starts[c], starts[c + 1]), starts[c]!, starts[c + 1]!, true);
  }
}

const SEPARATOR = 0;
const HAN = 1;
const WORD = 2;

/**
 * Han ideographs, as [first, last] code points: the CJK Unified Ideographs (the common block first), their
 * extensions, compatibility forms and the ideographic marks 々 〇 〡….
 */
const HAN_RANGES: readonly (readonly [number, number])[] = [
  [0x4e00, 0x9fff],
  [0x3005, 0x3005],
  [0x3007, 0x3007],
  [0x3021, 0x3029],
  [0x3038, 0x303b],
  [0x3400, 0x4dbf],
  [0xf900, 0xfaff],
  [0x20000, 0x2fa1f],
  [0x30000, 0x323af],
];
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/** Whether a code point is Han, another letter or digit (part of a word), or anything else. */
function classify(code: number): typeof SEPARATOR | typeof HAN | typeof WORD {
  if (code < 0x80) {
    // ASCII: letters and digits only, the fast path for Latin text, markup and SQL.
    return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)
      ? WORD
      : SEPARATOR;
  }
  for (const [first, last] of HAN_RANGES) if (code >= first && code <= last) return HAN;
  return LETTER_OR_DIGIT.test(String.fromCodePoint(code)) ? WORD : SEPARATOR;
}

/** A report's tokens, kept: `suggest` needs their places to explain its answers. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  scan(text, true, (term, start, end, unigram) => tokens.push({ term, start, end, unigram }));
  return tokens;
}

interface Leaf {
  code: string;
  name: string;
  nameEn: string;
  /** Tie-breaker between equal scores: the more common category first. */
  weight: number;
  /** Keywords and the leaf's name, normalised and lower-cased, longest first: what `matched` prefers to show. */
  phrases: string[];
}

/**
 * Builds the index once over the flattened taxonomy (`flattenCategories`). Leaves are the rows that no other row
 * names as its parent; their ancestors are found through `parentCode`.
 */
export function createCategorySuggester(rows: readonly CategoryRow[]): CategorySuggester {
  const byCode = new Map<string, CategoryRow>();
  const parentCodes = new Set<string>();
  for (const row of rows) {
    byCode.set(row.code, row);
    if (row.parentCode !== null) parentCodes.add(row.parentCode);
  }
  const leafRows = rows.filter((row) => !parentCodes.has(row.code));

  const leaves: Leaf[] = [];
  /** term → (leaf index → weighted term frequency), filled leaf by leaf in order. */
  const postings = new Map<string, { leaf: number[]; tf: number[] }>();
  const lengths: number[] = [];

  for (const row of leafRows) {
    const index = leaves.length;
    const tf = new Map<string, number>();
    let length = 0;
    const add = (text: string, weight: number): void => {
      scan(normalise(text), false, (term) => {
        tf.set(term, (tf.get(term) ?? 0) + weight);
        length += weight;
      });
    };
    for (const keyword of row.keywords ?? []) add(keyword, FIELD_WEIGHTS.keyword);
    add(row.name, FIELD_WEIGHTS.name);
    add(row.nameEn, FIELD_WEIGHTS.nameEn);
    const parent = row.parentCode === null ? undefined : byCode.get(row.parentCode);
    if (parent !== undefined) {
      add(parent.name, FIELD_WEIGHTS.parentName);
      const grandparent = parent.parentCode === null ? undefined : byCode.get(parent.parentCode);
      if (grandparent !== undefined) add(grandparent.name, FIELD_WEIGHTS.grandparentName);
    }
    for (const [term, frequency] of tf) {
      let list = postings.get(term);
      if (list === undefined) {
        list = { leaf: [], tf: [] };
        postings.set(term, list);
      }
      list.leaf.push(index);
      list.tf.push(frequency);
    }
    lengths.push(length);
    const phrases = [
      ...new Set([...(row.keywords ?? []), row.name].map((phrase) => lowerCaseInPlace(normalise(phrase)))),
    ]
      .filter((phrase) => phrase.trim().length > 0)
      .sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
    leaves.push({ code: row.code, name: row.name, nameEn: row.nameEn, weight: row.weight ?? 0, phrases });
  }

  const count = leaves.length;
  const averageLength = count === 0 ? 1 : lengths.reduce((sum, length) => sum + length, 0) / count || 1;
  /** Per term, its postings: the leaves (ascending) and each one's finished BM25 term weight (idf × saturated tf). */
  const index = new Map<string, { leaf: Int32Array; weight: Float64Array }>();
  for (const [term, list] of postings) {
    const idf = Math.log(1 + (count - list.leaf.length + 0.5) / (list.leaf.length + 0.5));
    const weight = new Float64Array(list.leaf.length);
    for (let i = 0; i < list.leaf.length; i++) {
      const tf = list.tf[i]!;
      const norm = 1 - B + (B * lengths[list.leaf[i]!]!) / averageLength;
      weight[i] = (idf * (tf * (K1 + 1))) / (tf + K1 * norm);
    }
    index.set(term, { leaf: Int32Array.from(list.leaf), weight });
  }

  const suggest = (text: string, limit = 3): CategorySuggestion[] => {
    if (typeof text !== 'string' || count === 0) return [];
    const wanted = Number.isFinite(limit) ? Math.min(Math.floor(limit), MAX_SUGGESTIONS) : 3;
    if (wanted < 1) return [];
    const report = normalise(text.slice(0, MAX_REPORT_CHARS));
    const lowered = lowerCaseInPlace(report);

    // Each distinct term counts once, at the highest weight any of its occurrences has.
    const tokens = tokenize(report);
    const queryWeight = new Map<string, number>();
    for (const token of tokens) {
      if (!index.has(token.term)) continue;
      const weight = token.unigram ? QUERY_UNIGRAM_WEIGHT : 1;
      if ((queryWeight.get(token.term) ?? 0) < weight) queryWeight.set(token.term, weight);
    }
    if (queryWeight.size === 0) return [];

    const scores = new Float64Array(count);
    for (const [term, weight] of queryWeight) {
      const entry = index.get(term)!;
      for (let i = 0; i < entry.leaf.length; i++) scores[entry.leaf[i]!]! += weight * entry.weight[i]!;
    }

    const ranked: number[] = [];
    for (let i = 0; i < count; i++) if (scores[i]! > 0) ranked.push(i);
    ranked.sort(
      (a, b) =>
        scores[b]! - scores[a]! ||
        leaves[b]!.weight - leaves[a]!.weight ||
        (leaves[a]!.code < leaves[b]!.code ? -1 : 1),
    );
    let pool = 0;
    for (const i of ranked.slice(0, CONFIDENCE_POOL)) pool += scores[i]!;

    return ranked.slice(0, wanted).map((i) => {
      const leaf = leaves[i]!;
      return {
        code: leaf.code,
        name: leaf.name,
        nameEn: leaf.nameEn,
        score: round(scores[i]!),
        confidence: round(scores[i]! / pool),
        matched: explain(i, leaf, report, lowered, tokens, queryWeight),
      };
    });
  };

  /**
   * What led to leaf `i`: each matched term's share of its score, gathered into the leaf's whole keywords where one
   * occurs in the report, and otherwise into the stretches of the report its matched tokens cover.
   */
  const explain = (
    i: number,
    leaf: Leaf,
    report: string,
    lowered: string,
    tokens: readonly Token[],
    queryWeight: ReadonlyMap<string, number>,
  ): string[] => {
    const contribution = new Map<string, number>();
    for (const [term, weight] of queryWeight) {
      const entry = index.get(term)!;
      const at = binarySearch(entry.leaf, i);
      if (at >= 0) contribution.set(term, weight * entry.weight[at]!);
    }
    const matching = tokens.filter((token) => contribution.has(token.term));
    const covered = new Uint8Array(report.length);
    const found: { text: string; score: number; start: number }[] = [];

    // Whole keywords first, longest first, each where its first uncovered occurrence is.
    for (const phrase of leaf.phrases) {
      let start = lowered.indexOf(phrase);
      while (start >= 0 && isCovered(covered, start, start + phrase.length)) {
        start = lowered.indexOf(phrase, start + 1);
      }
      if (start < 0) continue;
      const end = start + phrase.length;
      const terms = new Set(matching.filter((t) => t.start >= start && t.end <= end).map((t) => t.term));
      let score = 0;
      for (const term of terms) score += contribution.get(term)!;
      if (score === 0) continue;
      covered.fill(1, start, end);
      found.push({ text: report.slice(start, end), score, start });
    }

    // Then the matched tokens outside those keywords, overlapping ones merged into one stretch of text.
    const rest = matching
      .filter((token) => !isCovered(covered, token.start, token.end))
      .sort((a, b) => a.start - b.start || b.end - a.end);
    let span: { start: number; end: number; terms: Set<string> } | null = null;
    const close = (): void => {
      if (span === null) return;
      let score = 0;
      for (const term of span.terms) score += contribution.get(term)!;
      found.push({ text: report.slice(span.start, span.end), score, start: span.start });
    };
    for (const token of rest) {
      if (span !== null && token.start < span.end) {
        span.end = Math.max(span.end, token.end);
        span.terms.add(token.term);
      } else {
        close();
        span = { start: token.start, end: token.end, terms: new Set([token.term]) };
      }
    }
    close();

    found.sort((a, b) => b.score - a.score || a.start - b.start);
    const matched: string[] = [];
    for (const { text } of found) {
      if (!matched.includes(text)) matched.push(text);
      if (matched.length === MAX_MATCHED) break;
    }
    return matched;
  };

  return { size: count, suggest };
}

/** Whether any of the characters from `start` to `end` (exclusive) is already covered by a shown keyword. */
function isCovered(covered: Uint8Array, start: number, end: number): boolean {
  for (let c = start; c < end; c++) if (covered[c] === 1) return true;
  return false;
}

/** Lower case, character by character, keeping any character whose lower case would change the text's length. */
function lowerCaseInPlace(text: string): string {
  if (!UPPER_CASE.test(text)) return text;
  return text.replace(/\p{Lu}/gu, (char) => {
    const lower = char.toLowerCase();
    return lower.length === char.length ? lower : char;
  });
}

const UPPER_CASE = /\p{Lu}/u;

/** Index of `value` in the ascending `array`, or -1. */
function binarySearch(array: Int32Array, value: number): number {
  let low = 0;
  let high = array.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const found = array[middle]!;
    if (found === value) return middle;
    if (found < value) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** Scores and confidences to 4 decimals: stable output, readable logs. */
function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
