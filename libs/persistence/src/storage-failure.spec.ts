import { classifyStorageFailure } from './storage-failure';

const failure = (message: string, code?: string) => Object.assign(new Error(message), { code });

describe('classifyStorageFailure', () => {
  // What node-postgres passes on when TLS to the server fails: nothing about the event, so
  // the batch waits for the server (or its setup) instead of being split and dead-lettered.
  it.each([
    [
      'a certificate no trusted CA signed',
      failure('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
    ],
    [
      'a self-signed certificate',
      failure('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'),
    ],
    ['an expired certificate', failure('certificate has expired', 'CERT_HAS_EXPIRED')],
    [
      'a certificate for another name',
      failure("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'),
    ],
    ['a failed handshake', failure('wrong version number', 'ERR_SSL_WRONG_VERSION_NUMBER')],
    ['a server without TLS', failure('The server does not support SSL connections')],
    ['pg_hba.conf refusing a connection without TLS', failure('no encryption', '28000')],
    ['a rotated password', failure('password authentication failed', '28P01')],
  ])('retries %s', (_, error) => {
    expect(classifyStorageFailure(error)).toEqual({
      kind: 'transient',
      reason: expect.stringMatching(/^database (unreachable|unavailable) /),
    });
  });

  it('still isolates what the database refuses because of the data', () => {
    expect(classifyStorageFailure(failure('duplicate key', '23505')).kind).toBe('permanent');
    expect(classifyStorageFailure(new TypeError('x is undefined')).kind).toBe('permanent');
  });
});
