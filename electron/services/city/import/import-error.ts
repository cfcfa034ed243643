import { basename } from 'node:path';

/**
 * A refused import: which file, where in it (`row 17`, `feature 3 (code 410102001)`, `header`, `file`) and why.
 * The store is unchanged whenever one is thrown.
 */
export class ImportError extends Error {
  override readonly name = 'ImportError';

  constructor(
    readonly file: string,
    readonly location: string,
    readonly reason: string,
  ) {
    super(`${basename(file)}, ${location}: ${reason}`);
  }
}

/**
 * A reason without a place: thrown by the checks, which do not know the file or the row, and turned into an
 * ImportError by the reader that does.
 */
export class ImportProblem extends Error {
  override readonly name = 'ImportProblem';
}
