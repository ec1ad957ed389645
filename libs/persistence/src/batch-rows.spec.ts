import { batchRows, type BatchRows, type StoredTokenRow } from './batch-rows';
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
  precedence: '1|2026-11-01T09:00:00.000Z|gw|e1',
  ...fields,
});

/** A token as the batch writes it: `sources` names where each given field came from. */
const stored = (fields: Partial<StoredTokenRow>): StoredTokenRow => ({
  ...token({}),
  sources: {},
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
const graph = (rows: Partial<Omit<BatchRows, 'tokens'>> & { tokens?: TokenRow[] }): EventGraph =>
  ({ ...batchRows([]), ...rows }) as unknown as EventGraph;

describe('batchRows', () => {
  it('keeps, field by field, what the description that comes first by precedence gives', () => {
    const exchange = '0|2026-11-01T09:00:05.000Z|gw|x1';
    const early = '1|2026-11-01T09:00:01.000Z|gw|h1';
    const late = '1|2026-11-01T09:00:09.000Z|gw|h2';
    const descriptions = [
      token({ precedence: late, issuer: 'https://other', scopes: ['admin'], jti: 't1' }),
      token({ precedence: early, issuer: 'https://idp', scopes: ['read'] }),
      token({ precedence: exchange, scopes: ['read', 'write'], audience: ['crm'] }),
    ];
    const expected = stored({
      precedence: exchange,
      issuer: 'https://idp',
      scopes: ['read', 'write'],
      audience: ['crm'],
      jti: 't1',
      sources: { issuer: early, scopes: exchange, audience: exchange },
    });
    // Every arrival order, in one event or spread over several: the same row.
    for (const order of [
      [0, 1, 2],
      [2, 1, 0],
      [1, 0, 2],
      [1, 2, 0],
    ]) {
      const inOrder = order.map((i) => descriptions[i]);
      expect(batchRows([graph({ tokens: inOrder })]).tokens).toEqual([expected]);
      expect(batchRows(inOrder.map((row) => graph({ tokens: [row] }))).tokens).toEqual([expected]);
    }
  });

  it('keeps the earliest revocation of a token, in whichever order they came', () => {
    const { tokens } = batchRows([
      graph({ tokens: [token({ revokedAt: '2025-01-01T00:00:02.000Z' })] }),
      graph({ tokens: [token({ revokedAt: '2025-01-01T00:00:01.000Z' })] }),
    ]);
    expect(tokens).toEqual([stored({ revokedAt: '2025-01-01T00:00:01.000Z' })]);
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
