import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { describeIssues, MAX_DESCRIBED_ISSUES, MAX_ISSUE_TEXT } from '../../../../shared/contract';

describe('describeIssues', () => {
  it('names each wrong field by its path', () => {
    const result = z.strictObject({ a: z.number(), b: z.object({ c: z.string() }) }).safeParse({ a: 'x', b: { c: 1 } });
    expect(describeIssues(result.error!)).toEqual([
      { path: 'a', message: expect.any(String) as string },
      { path: 'b.c', message: expect.any(String) as string },
    ]);
  });

  it('stays small however large the input: the first issues, then a count of the rest', () => {
    const result = z.array(z.number()).safeParse(new Array<string>(50_000).fill('x'));
    const issues = describeIssues(result.error!);
    expect(issues).toHaveLength(MAX_DESCRIBED_ISSUES + 1);
    expect(issues.at(-1)).toEqual({ path: '(input)', message: `and ${50_000 - MAX_DESCRIBED_ISSUES} more issues` });
  });

  it('cuts long paths and messages (zod names unknown keys, which the caller chose)', () => {
    const key = 'k'.repeat(1 << 20);
    const result = z.strictObject({ a: z.number() }).safeParse({ a: 1, [key]: 1 });
    const [issue] = describeIssues(result.error!);
    expect(issue!.message.length).toBeLessThanOrEqual(MAX_ISSUE_TEXT + 1);
    expect(JSON.stringify(describeIssues(result.error!)).length).toBeLessThan(1000);
  });
});
