import { planPage, toMatch } from './search.service';

describe('planPage', () => {
  it('walks when nothing selective was asked, or every part is broad', () => {
    expect(planPage([])).toEqual({ kind: 'walk' });
    expect(planPage([{ kind: 'target', requestIds: ['a', 'b'], complete: false }])).toEqual({
      kind: 'walk',
    });
  });

  it('ranks what every narrow part lists, and checks the broad parts on them', () => {
    expect(
      planPage([
        { kind: 'principal', requestIds: ['a', 'b', 'c'], complete: true },
        { kind: 'target', requestIds: ['x'], complete: false },
        { kind: 'token', requestIds: ['c', 'a'], complete: true },
      ]),
    ).toEqual({ kind: 'rank', candidates: ['c', 'a'], verify: ['target'] });
  });

  it('ranks nothing when narrow parts share no request', () => {
    expect(
      planPage([
        { kind: 'requestId', requestIds: ['a'], complete: true },
        { kind: 'token', requestIds: ['b'], complete: true },
      ]),
    ).toEqual({ kind: 'rank', candidates: [], verify: [] });
  });
});

describe('toMatch', () => {
  it('turns free text into literal patterns, and keeps the rest', () => {
    expect(
      toMatch({
        requestId: 'r1',
        principal: { search: 'a_b', tenant: 't', issuer: undefined },
        target: '100%',
        token: { jti: 'j', issuer: undefined, fingerprint: undefined },
        since: undefined,
        until: undefined,
      }),
    ).toEqual({
      requestId: 'r1',
      principal: { pattern: '%a\\_b%', tenant: 't', issuer: undefined },
      target: '%100\\%%',
      token: { jti: 'j', issuer: undefined, fingerprint: undefined },
    });
  });
});
