import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, passwordProblems } from '../../../../../electron/services/identity';

describe('password policy', () => {
  it.each([
    ['a passphrase', 'amber-lantern-91-harbour'],
    ['a Chinese passphrase of 12 characters', '琥珀灯笼照亮了港湾的夜晚'],
    ['twelve mixed characters', 'Tz8!qk#2Lm9w'],
  ])('accepts %s', (_title, password) => {
    expect(passwordProblems(password, 'chen.li')).toEqual([]);
  });

  it.each([
    ['shorter than 12 characters', 'Tz8!qk#2Lm', /at least 12 characters long \(it has 10\)/],
    ['the username', 'chen.li.chen.li', /must not contain the username/],
    ['the username in another case', 'Chen.Li-on-duty-2025', /must not contain the username/],
    ['a common word with digits and symbols', 'Password2024!!', /common or easily guessed/],
    ['the city with a number', 'zhengzhou123456', /common or easily guessed/],
    ['the product name', 'Gridline#2025', /common or easily guessed/],
    ['a keyboard walk', '1qaz2wsx3edc', /common or easily guessed/],
    ['digits only (a phone number)', '13800138000123', /digits only/],
    ['one character repeated', 'aaaaaaaaaaaaaaaa', /one or two characters repeated/],
    ['longer than 256 characters', 'x7'.repeat(100) + 'y8z9'.repeat(20), /at most 256/],
    ['a control character', 'amber-lantern\u0000-harbour', /control characters/],
  ])('refuses %s, saying why', (_title, password, reason) => {
    expect(() => checkPasswordPolicy(password, 'chen.li')).toThrow(reason);
  });

  it('lists every broken rule at once', () => {
    const problems = passwordProblems('chen.li1', 'chen.li');
    expect(problems).toHaveLength(2);
    expect(() => checkPasswordPolicy('chen.li1', 'chen.li')).toThrow(
      expect.objectContaining({
        code: 'weak-password',
        message: expect.stringMatching(/12 characters.*; .*username/) as unknown,
      }),
    );
  });
});
