import { batchRows, type BatchRows } from './batch-rows';
import type { EventGraph, PrincipalRow, TokenRow } from './graph-rows';

const token = (fields: Partial<TokenRow>): TokenRow => ({
  reporter: 'acme',
  key: 'jti:https://idp#t1',
  tenant: 'acme',
  issuer: null,
  jti: null,
  fingerprint: null,
  audience: [],
  scopes: [],
  issuedAt: null,
  expiresAt: null,
  claims: null,
  parentKey: null,
  actorTokenKey: null,
  revokedAt: null,
  revokeReason: null,
  ...fields,
});

const principal = (fields: Partial<PrincipalRow>): PrincipalRow => ({
  reporter: 'acme',
  tenant: 'acme',
  issuer: 'https://idp',
  subject: 'alice',
  kind: 'human',
  displayName: null,
  ...fields,
});

// A graph's event and anomalies play no part in the merge.
const graph = (rows: Partial<BatchRows>): EventGraph =>
  ({ ...batchRows([]), ...rows }) as EventGraph;

describe('batchRows', () => {
  it('keeps what a token was first described with and fills in only what was missing', () => {
    const { tokens } = batchRows([
      graph({ tokens: [token({ issuer: 'https://idp', scopes: ['read'] })] }),
      graph({ tokens: [token({ issuer: 'https://other', scopes: ['admin'], jti: 't1' })] }),
    ]);
    expect(tokens).toEqual([token({ issuer: 'https://idp', scopes: ['read'], jti: 't1' })]);
  });

  it('keeps the earliest revocation of a token, in whichever order they came', () => {
    const { tokens } = batchRows([
      graph({ tokens: [token({ revokedAt: '2025-01-01T00:00:02.000Z' })] }),
      graph({ tokens: [token({ revokedAt: '2025-01-01T00:00:01.000Z' })] }),
    ]);
    expect(tokens).toEqual([token({ revokedAt: '2025-01-01T00:00:01.000Z' })]);
  });

  it('never merges two reporters’ records of one token or one principal', () => {
    const { tokens, principals } = batchRows([
      graph({ tokens: [token({})], principals: [principal({})] }),
      graph({
        tokens: [token({ reporter: 'globex' })],
        principals: [principal({ reporter: 'globex' })],
      }),
    ]);
    expect(tokens.map((row) => row.reporter)).toEqual(['acme', 'globex']);
    expect(principals.map((row) => row.reporter)).toEqual(['acme', 'globex']);
  });

  it('writes a principal named again once, with the first display name given', () => {
    const { principals } = batchRows([
      graph({ principals: [principal({})] }),
      graph({ principals: [principal({ displayName: 'Alice' })] }),
      graph({ principals: [principal({ displayName: 'Alicia' })] }),
    ]);
    expect(principals).toEqual([principal({ displayName: 'Alice' })]);
  });
});
