import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestorEnvSchema } from './env.schema';
import { ConfigError, parseConfig } from './load-config';

describe('parseConfig', () => {
  it('fills defaults for an empty environment', () => {
    const config = parseConfig(ingestorEnvSchema, {});
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.KAFKA_TOPIC).toBe('delegation-events');
    expect(config.MAX_EVENT_BYTES).toBe(262144);
    expect(config.LEDGER_INTEGRATION).toBe(true);
  });

  it('turns the ledger integration off only when told exactly', () => {
    expect(parseConfig(ingestorEnvSchema, { LEDGER_INTEGRATION: 'false' }).LEDGER_INTEGRATION).toBe(
      false,
    );
    expect(() => parseConfig(ingestorEnvSchema, { LEDGER_INTEGRATION: 'no' })).toThrow(
      /LEDGER_INTEGRATION/,
    );
  });

  it('splits a broker list', () => {
    expect(parseConfig(ingestorEnvSchema, { KAFKA_BROKERS: 'a:1, b:2' }).KAFKA_BROKERS).toEqual([
      'a:1',
      'b:2',
    ]);
  });

  it.each([
    ['KAFKA_BROKERS', 'localhost'],
    ['DATABASE_URL', 'mysql://x/y'],
    ['INGESTOR_PORT', '99999'],
    ['MAX_EVENT_BYTES', 'lots'],
    ['LOG_LEVEL', 'chatty'],
  ])('names %s in one line when it is wrong', (name, value) => {
    let message = '';
    try {
      parseConfig(ingestorEnvSchema, { [name]: value });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toMatch(new RegExp(`^invalid configuration: ${name}: .+`));
    expect(message).not.toContain('\n');
  });

  it('never prints a password, in a URL or in a secret-named variable', () => {
    const message = (env: NodeJS.ProcessEnv) => {
      try {
        parseConfig(ingestorEnvSchema, env);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    };
    const url = message({ DATABASE_URL: 'mysql://admin:s3cr3t-pw@db.example/prod' });
    expect(url).toContain('DATABASE_URL');
    expect(url).toContain('admin:***@');
    expect(url).not.toContain('s3cr3t-pw');
    // Any refusal will do (a password without a mechanism): the point is what it shows.
    const named = message({ KAFKA_SASL_PASSWORD: 'hunter2 with spaces' });
    expect(named).toContain('KAFKA_SASL_PASSWORD');
    expect(named).not.toContain('hunter2');
    const inFile = message({ KAFKA_SASL_PASSWORD_FILE: 'hunter2-pasted-instead-of-a-path' });
    expect(inFile).toContain('KAFKA_SASL_PASSWORD_FILE');
    expect(inFile).not.toContain('hunter2');
    // The same for a private key pasted where the path of its file belongs.
    const pasted = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg';
    const key = message({ KAFKA_SSL: 'true', KAFKA_SSL_KEY_FILE: pasted });
    expect(key).toMatch(/^invalid configuration: KAFKA_SSL_KEY_FILE: cannot read the file/);
    expect(key).not.toContain('MIGHAgEA');
  });

  describe('DATABASE_URL with TLS', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'provenant-pg-tls-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reaches node-postgres exactly as written', () => {
      const ca = join(dir, 'root.crt');
      writeFileSync(ca, 'read by node-postgres, not here\n');
      const url = `postgresql://provenant:pw@db.example:5432/provenant?sslmode=verify-full&sslrootcert=${ca}`;
      expect(parseConfig(ingestorEnvSchema, { DATABASE_URL: url }).DATABASE_URL).toBe(url);
    });

    it('refuses a file node-postgres could not read, naming the parameter', () => {
      let message = '';
      try {
        parseConfig(ingestorEnvSchema, {
          DATABASE_URL: `postgresql://provenant:s3cr3t-pw@db.example/provenant?sslmode=verify-full&sslrootcert=${join(dir, 'nowhere.crt')}`,
        });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(
        /^invalid configuration: DATABASE_URL: sslrootcert: cannot read the file \(ENOENT\) \(got "postgresql:\/\/provenant:\*\*\*@/,
      );
      expect(message).not.toContain('s3cr3t-pw');
    });
  });
});
