import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, verifyPassword } from '../../../../../electron/services/identity';
import { decodePasswordHash } from '../../../../../electron/services/identity/password-hash';
import { TEST_SCRYPT } from './identity-fixtures';

describe('password hashing (scrypt)', () => {
  it('stores the default cost parameters (N=2^17, r=8, p=1) and a 16-byte salt with the hash', async () => {
    const hash = await hashPassword('amber-lantern-91-harbour');
    expect(hash).toMatch(/^\$scrypt\$n=131072,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(decodePasswordHash(hash).params).toEqual(DEFAULT_SCRYPT);
    expect(await verifyPassword('amber-lantern-91-harbour', hash)).toBe(true);
  });

  it('salts every hash afresh: the same password never gives the same string', async () => {
    const [first, second] = await Promise.all([
      hashPassword('amber-lantern-91-harbour', TEST_SCRYPT),
      hashPassword('amber-lantern-91-harbour', TEST_SCRYPT),
    ]);
    expect(first).not.toBe(second);
    expect(decodePasswordHash(first).salt.equals(decodePasswordHash(second).salt)).toBe(false);
    expect(await verifyPassword('amber-lantern-91-harbour', first)).toBe(true);
    expect(await verifyPassword('amber-lantern-91-harbour', second)).toBe(true);
  });

  it('refuses a wrong password, one character off or in another case', async () => {
    const hash = await hashPassword('amber-lantern-91-harbour', TEST_SCRYPT);
    for (const wrong of ['amber-lantern-91-harbouR', 'amber-lantern-91-harbou', '', 'amber-lantern-91-harbour ']) {
      expect(await verifyPassword(wrong, hash)).toBe(false);
    }
  });

  it('verifies with the parameters stored in the hash, whatever the defaults are now', async () => {
    const hash = await hashPassword('琥珀灯笼照港湾-2025', { N: 2 ** 11, r: 4, p: 2 });
    expect(hash.startsWith('$scrypt$n=2048,r=4,p=2$')).toBe(true);
    expect(await verifyPassword('琥珀灯笼照港湾-2025', hash)).toBe(true);
  });

  it('treats the composed and decomposed forms of a character as one password (NFC)', async () => {
    const hash = await hashPassword('caf\u00e9-terrace-lantern', TEST_SCRYPT);
    expect(await verifyPassword('cafe\u0301-terrace-lantern', hash)).toBe(true);
  });

  it('says when a hash is cheaper than the current parameters', async () => {
    const cheap = await hashPassword('amber-lantern-91-harbour', TEST_SCRYPT);
    expect(needsRehash(cheap, TEST_SCRYPT)).toBe(false);
    expect(needsRehash(cheap, { ...TEST_SCRYPT, N: 2 ** 13 })).toBe(true);
    expect(needsRehash(cheap)).toBe(true);
  });

  it.each([
    ['not a hash', 'amber-lantern-91-harbour'],
    ['another algorithm', '$2b$12$abcdefghijklmnopqrstuv'],
    ['N not a power of two', '$scrypt$n=1000,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5'],
    ['N beyond the bound', '$scrypt$n=1073741824,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5'],
  ])('refuses a stored value that is %s rather than guess', async (_title, stored) => {
    await expect(verifyPassword('amber-lantern-91-harbour', stored)).rejects.toThrow(/scrypt/);
  });
});
