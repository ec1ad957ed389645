import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { apiEnvSchema, ingestorEnvSchema } from './env.schema';
import { kafkaSecurity } from './kafka-security.schema';
import { ConfigError, parseConfig } from './load-config';

// A throw-away self-signed certificate (public, no key kept): a CA file and a client
// certificate whose key is nowhere, so any key given with it is the wrong one.
const CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBZjCCAQ2gAwIBAgIIB5WabG8rrPIwCgYIKoZIzj0EAwIwHDEaMBgGA1UEAxMR
cHJvdmVuYW50LXRlc3QtY2EwIBcNMjYxMjAyMTExOTA4WhgPMjEyNjExMDgxMTE5
MDhaMBwxGjAYBgNVBAMTEXByb3ZlbmFudC10ZXN0LWNhMFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAEYxMflLiTCibfgxsZe4VQ639VqFPhlw6svt24dVmoFBNKXiIJ
G6jMNGaXvdwAzTSbsIRjknSWWUHxR5ADAJpT2KM3MDUwHQYDVR0OBBYEFHAKk/ZT
u+r0SKw0324yr3eBlo4kMBQGA1UdEQQNMAuCCWxvY2FsaG9zdDAKBggqhkjOPQQD
AgNHADBEAiBIK11rFvaIjPSsqDb0LNRgUHriO2vUY0cx8MB1Ha1/WAIgH2kP0+cd
l1jMh2rj3esNrSdqchUmwZaWOqWAOQ/uZz0=
-----END CERTIFICATE-----
`;

describe('Kafka transport security settings', () => {
  let dir: string;
  let file: Record<'ca' | 'key' | 'password' | 'empty' | 'notPem' | 'missing', string>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'provenant-kafka-security-'));
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    file = {
      ca: write('ca.pem', CERTIFICATE),
      key: write('client.key', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
      password: write('password', 'from-a-file\n'),
      empty: write('empty', '\n'),
      notPem: write('ca.txt', 'not a certificate'),
      missing: join(dir, 'nowhere.pem'),
    };
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const security = (env: NodeJS.ProcessEnv) => kafkaSecurity(parseConfig(ingestorEnvSchema, env));
  const refusal = (env: NodeJS.ProcessEnv, schema: z.ZodType = ingestorEnvSchema): string => {
    try {
      parseConfig(schema, env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('accepted');
  };

  it('is plain TCP by default', () => {
    expect(security({})).toEqual({});
  });

  it('trusts the system CAs when only KAFKA_SSL is set', () => {
    expect(security({ KAFKA_SSL: 'true' })).toEqual({ ssl: true });
  });

  it('trusts the CA file instead, read once at start', () => {
    expect(security({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: file.ca })).toEqual({
      ssl: { ca: CERTIFICATE, rejectUnauthorized: true },
    });
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'])(
    'passes SASL %s credentials',
    (mechanism) => {
      expect(
        security({
          KAFKA_SSL: 'true',
          KAFKA_SASL_MECHANISM: mechanism,
          KAFKA_SASL_USERNAME: 'ingestor',
          KAFKA_SASL_PASSWORD: 'pw',
        }).sasl,
      ).toEqual({ mechanism, username: 'ingestor', password: 'pw' });
    },
  );

  it('reads the password from a file, without its final line break', () => {
    expect(
      security({
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'ingestor',
        KAFKA_SASL_PASSWORD_FILE: file.password,
      }).sasl,
    ).toEqual({ mechanism: 'scram-sha-512', username: 'ingestor', password: 'from-a-file' });
  });

  it('turns verification off only when told so explicitly, outside production', () => {
    expect(security({ KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' })).toEqual({
      ssl: { rejectUnauthorized: false },
    });
  });

  const sasl = { KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-256' };
  it.each<[string, () => NodeJS.ProcessEnv, string]>([
    ['KAFKA_SASL_MECHANISM', () => ({ KAFKA_SASL_MECHANISM: 'gssapi' }), 'expected one of'],
    ['KAFKA_SASL_USERNAME', () => ({ ...sasl, KAFKA_SASL_PASSWORD: 'pw' }), 'required with'],
    ['KAFKA_SASL_PASSWORD', () => ({ ...sasl, KAFKA_SASL_USERNAME: 'u' }), 'required with'],
    [
      'KAFKA_SASL_PASSWORD_FILE',
      () => ({
        ...sasl,
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: 'pw',
        KAFKA_SASL_PASSWORD_FILE: file.password,
      }),
      'not both',
    ],
    [
      'KAFKA_SASL_PASSWORD_FILE',
      () => ({ ...sasl, KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD_FILE: file.empty }),
      'the file is empty',
    ],
    ['KAFKA_SASL_USERNAME', () => ({ KAFKA_SASL_USERNAME: 'u' }), 'needs KAFKA_SASL_MECHANISM'],
    [
      'KAFKA_SASL_MECHANISM',
      () => ({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }),
      'in clear',
    ],
    ['KAFKA_SSL_CA_FILE', () => ({ KAFKA_SSL_CA_FILE: file.ca }), 'needs KAFKA_SSL=true'],
    [
      'KAFKA_SSL_CA_FILE',
      () => ({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: file.missing }),
      'cannot read the file (ENOENT)',
    ],
    [
      'KAFKA_SSL_CA_FILE',
      () => ({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: file.notPem }),
      'expected PEM certificates',
    ],
    [
      'KAFKA_SSL_KEY_FILE',
      () => ({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: file.ca }),
      'required with KAFKA_SSL_CERT_FILE',
    ],
    [
      'KAFKA_SSL_CERT_FILE',
      () => ({ KAFKA_SSL: 'true', KAFKA_SSL_KEY_FILE: file.key }),
      'required with KAFKA_SSL_KEY_FILE',
    ],
    [
      'KAFKA_SSL_KEY_FILE',
      () => ({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: file.ca, KAFKA_SSL_KEY_FILE: file.key }),
      'is not the key of KAFKA_SSL_CERT_FILE',
    ],
    [
      'KAFKA_SSL_KEY_FILE',
      () => ({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: file.ca, KAFKA_SSL_KEY_FILE: file.ca }),
      'expected an unencrypted PEM private key',
    ],
    [
      'KAFKA_SSL_REJECT_UNAUTHORIZED',
      () => ({ KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'no' }),
      'expected one of',
    ],
    [
      'KAFKA_SSL_REJECT_UNAUTHORIZED',
      () => ({ KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' }),
      'needs KAFKA_SSL=true',
    ],
    [
      'KAFKA_SSL_REJECT_UNAUTHORIZED',
      () => ({ NODE_ENV: 'production', KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' }),
      'not allowed in production',
    ],
  ])('refuses %s: %#', (name, env, reason) => {
    const message = refusal(env());
    expect(message).toMatch(new RegExp(`^invalid configuration: ${name}: `));
    expect(message).toContain(reason);
  });

  it('holds for the API as for the ingestor', () => {
    expect(refusal({ KAFKA_SASL_PASSWORD: 'pw' }, apiEnvSchema)).toMatch(
      /^invalid configuration: KAFKA_SASL_PASSWORD: needs KAFKA_SASL_MECHANISM/,
    );
  });

  it('names a missing file by its variable and path, never by content', () => {
    expect(refusal({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: file.missing })).toBe(
      `invalid configuration: KAFKA_SSL_CA_FILE: cannot read the file (ENOENT) (got ${JSON.stringify(file.missing)})`,
    );
  });
});
