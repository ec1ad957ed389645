import { createHash } from 'node:crypto';
import {
  containsPattern,
  parseSearchInput,
  principalSearchSchema,
  requestSearchSchema,
  SearchInputError,
} from './search-input';

const refusal = (value: unknown) => {
  try {
    parseSearchInput(requestSearchSchema, value, 'filter');
  } catch (error) {
    expect(error).toBeInstanceOf(SearchInputError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('search input', () => {
  it('escapes LIKE wildcards and the escape character: the text matches itself', () => {
    expect(containsPattern('50%_off\\x')).toBe('%50\\%\\_off\\\\x%');
    expect(containsPattern('alice')).toBe('%alice%');
  });

  it('trims free text and bounds it', () => {
    expect(parseSearchInput(principalSearchSchema, { search: '  ali  ' }, 'p').search).toBe('ali');
    expect(() => parseSearchInput(principalSearchSchema, { search: 'al' }, 'p')).toThrow(
      'p.search: must be 3 to 200 characters',
    );
    expect(refusal({ target: 'x'.repeat(201) })).toBe('filter.target: must be 3 to 200 characters');
    expect(refusal({ principal: { search: 'a\u0000bc' } })).toBe(
      'filter.principal.search: contains unstorable text',
    );
    expect(refusal({ requestId: 'r'.repeat(513) })).toBe('filter.requestId: is too long');
  });

  it('never quotes the refused value', () => {
    expect(refusal({ target: 'secret-token-value'.repeat(20) })).not.toContain('secret');
  });

  it('canonicalizes fingerprints: with or without the prefix, any case', () => {
    const raw = 'eyJhbGciOiJFUzI1NiJ9.e30.sig';
    const hex = createHash('sha256').update(raw, 'utf8').digest('hex');
    for (const given of [`sha256:${hex}`, hex, hex.toUpperCase(), ` SHA256:${hex} `])
      expect(parseSearchInput(requestSearchSchema, { token: { fingerprint: given } }, 'f')).toEqual(
        { token: { fingerprint: `sha256:${hex}` } },
      );
    expect(refusal({ token: { fingerprint: 'sha256:abc' } })).toMatch(/^filter.token.fingerprint:/);
    expect(refusal({ token: { fingerprint: raw } })).toMatch(/^filter.token.fingerprint:/);
  });

  it('needs a jti or a fingerprint, and an issuer only with a jti', () => {
    expect(refusal({ token: {} })).toBe('filter.token: needs a jti or a fingerprint');
    expect(refusal({ token: { issuer: 'https://sts', fingerprint: 'a'.repeat(64) } })).toBe(
      'filter.token.issuer: needs a jti (the issuer qualifies a jti)',
    );
  });

  it('needs a window that ends after it starts; nulls are absent', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    expect(refusal({ since: at, until: at })).toBe('filter.until: must be later than since');
    expect(
      parseSearchInput(requestSearchSchema, { since: at, until: null, requestId: null }, 'f'),
    ).toEqual({ since: at });
  });
});
