import { ContractError } from '../../../shared/contract';

/**
 * A refusal as the administrator reads it: the host's message (the identity service says exactly which rule was
 * broken), with the fields the contract refused, if any.
 */
export function errorText(error: unknown): string {
  if (!(error instanceof ContractError)) return error instanceof Error ? error.message : String(error);
  const issues = error.issues?.map((issue) => `${issue.path}: ${issue.message}`) ?? [];
  return issues.length > 0 ? `${error.message} (${issues.join('; ')})` : error.message;
}

/** Characters as the password policy counts them (code points after NFC). */
export const passwordLength = (password: string): number => Array.from(password.normalize('NFC')).length;
