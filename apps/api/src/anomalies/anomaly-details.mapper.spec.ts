import { toAnomalyDetails } from './anomaly-details.mapper';

describe('toAnomalyDetails', () => {
  it('names what the rules recorded in the investigator vocabulary', () => {
    const details = toAnomalyDetails({
      hopId: 'h3',
      tokenKey: 'jti:https://sts.acme.example#t-1',
      audience: ['crm-api'],
      service: 'billing-api',
      added: ['crm.admin'],
      revokedAt: '2026-11-01T09:00:00.000Z',
      delegates: 7,
      max: 6,
      actors: 2,
    });
    expect(details).toMatchObject({
      hopId: 'h3',
      offendingToken: 'jti:https://sts.acme.example#t-1',
      tokenAudience: ['crm-api'],
      targetService: 'billing-api',
      addedScopes: ['crm.admin'],
      revokedAt: new Date('2026-11-01T09:00:00.000Z'),
      depth: 7,
      maxDepth: 6,
      presenters: 2,
      principal: null,
      mayAct: null,
    });
    expect(JSON.parse(details.raw)).toMatchObject({ hopId: 'h3', max: 6 });
  });

  it('reads a mistyped or unreadable detail as absent, and keeps the rest', () => {
    const details = toAnomalyDetails({
      hopId: 42,
      audience: 'crm-api',
      effectiveAt: 'yesterday',
      origin: 'alice',
    });
    expect(details).toMatchObject({
      hopId: null,
      tokenAudience: null,
      effectiveAt: null,
      origin: 'alice',
    });
    expect(toAnomalyDetails(null)).toMatchObject({ hopId: null, raw: 'null' });
  });
});
