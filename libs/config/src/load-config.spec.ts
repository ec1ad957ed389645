import { ingestorEnvSchema } from './env.schema';
import { ConfigError, parseConfig } from './load-config';

describe('parseConfig', () => {
  it('fills defaults for an empty environment', () => {
    const config = parseConfig(ingestorEnvSchema, {});
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.KAFKA_TOPIC).toBe('delegation-events');
    expect(config.MAX_EVENT_BYTES).toBe(262144);
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
    // Any refusal will do (spaces are not a topic name): the point is what the message shows.
    const schema = ingestorEnvSchema.extend({
      KAFKA_SASL_PASSWORD: ingestorEnvSchema.shape.KAFKA_TOPIC,
    });
    let named = '';
    try {
      parseConfig(schema, { KAFKA_SASL_PASSWORD: 'hunter2 with spaces' });
    } catch (error) {
      named = (error as Error).message;
    }
    expect(named).toContain('KAFKA_SASL_PASSWORD');
    expect(named).not.toContain('hunter2');
  });
});
