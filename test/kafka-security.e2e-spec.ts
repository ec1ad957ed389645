import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Pool } from 'pg';
import { freePort, startKafka, type KafkaBroker } from '../tools/infra';
import { expectEventually } from './support/eventually';
import { testPool, uniqueSuffix } from './support/infra';
import { loadScenario } from './support/scenarios';
import {
  startIngestor,
  startService,
  stopIngestor,
  type IngestorProcess,
} from './support/service-process';

type Mechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

const STRUCTURED = { 'content-type': 'application/cloudevents+json; charset=UTF-8' };
const user = { name: 'provenant', password: randomBytes(12).toString('base64url') };
const wrongPassword = randomBytes(12).toString('base64url');

/**
 * Transport security to Kafka, against a broker of this file's own whose SASL_SSL listener
 * (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, a throw-away self-signed certificate) is the only
 * address the processes are given: the real ingestor consumes and stores over it with each
 * mechanism and is refused with a wrong password; the API reaches it too; and the listener
 * really is TLS, for clients that do not speak it or do not trust its certificate alike.
 */
describe('Kafka over SASL_SSL', () => {
  let broker: KafkaBroker;
  let ca: string;
  let pool: Pool;
  let secrets: string;
  const running = new Set<IngestorProcess>();
  // A graceful stop waits out the consumer's fetch (about 5 s): the tests start it and go
  // on, and the last test checks how each process ended.
  const stopped: Array<Promise<{ service: IngestorProcess; code: number | string }>> = [];
  const stopSoon = (service: IngestorProcess) => {
    running.delete(service);
    stopped.push(stopIngestor(service).then((code) => ({ service, code })));
  };

  beforeAll(async () => {
    [broker, secrets] = await Promise.all([
      startKafka({ port: await freePort(), log: false, saslSsl: { users: [user] } }),
      mkdtemp(join(tmpdir(), 'provenant-kafka-secrets-')),
    ]);
    ca = await readFile(broker.caFile!, 'utf8');
    pool = testPool();
  });

  afterAll(async () => {
    [...running].forEach(stopSoon); // left running by a failed test
    await Promise.all(stopped);
    await pool?.end();
    await broker?.stop();
    if (secrets) await rm(secrets, { recursive: true, force: true });
  });

  /** The test's own kafkajs client on the SASL_SSL listener (`trusted`: as the processes are). */
  const client = (config: Partial<KafkaConfig>): Kafka =>
    new Kafka({
      clientId: `security-test-${uniqueSuffix()}`,
      brokers: [broker.saslSslBrokers!],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 5_000,
      ...config,
    });
  const sasl = (mechanism: Mechanism): SASLOptions => ({
    mechanism,
    username: user.name,
    password: user.password,
  });
  const trusted = (mechanism: Mechanism) => client({ ssl: { ca }, sasl: sasl(mechanism) });
  /** For the refusals: the first one is the answer. */
  const once = { retry: { retries: 0 } };

  /** Only the SASL_SSL address, the CA file and the credentials: no way around them. */
  const processEnv = (
    mechanism: Mechanism,
    topic: string,
    password: { KAFKA_SASL_PASSWORD: string } | { KAFKA_SASL_PASSWORD_FILE: string },
  ): Record<string, string> => ({
    KAFKA_BROKERS: broker.saslSslBrokers!,
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: broker.caFile!,
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: user.name,
    ...password,
    KAFKA_TOPIC: topic,
    KAFKA_ANOMALY_TOPIC: `${topic}.anomalies`,
    KAFKA_GROUP_ID: `ingestor-${topic}`,
  });

  /** The scenario's first event, produced over SASL_SSL; returns its CloudEvent id. */
  const produceEvent = async (mechanism: Mechanism, topic: string, run: string) => {
    const [event] = loadScenario('support-tool-billing', run).events;
    const kafka = trusted(mechanism);
    const admin = kafka.admin();
    await admin.connect();
    // Created here when the ingestor cannot (it is refused before it would create them).
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: String(event.data.requestId), value: JSON.stringify(event), headers: STRUCTURED },
      ],
    });
    await producer.disconnect();
    return event.id;
  };

  const storedEvents = async (ceId: string, topic: string) =>
    (
      await pool.query<{ tenant: string }>(
        'SELECT tenant FROM events WHERE ce_id = $1 AND topic = $2',
        [ceId, topic],
      )
    ).rows;

  it.each<[Mechanism, 'KAFKA_SASL_PASSWORD' | 'KAFKA_SASL_PASSWORD_FILE']>([
    ['plain', 'KAFKA_SASL_PASSWORD'],
    ['scram-sha-256', 'KAFKA_SASL_PASSWORD'],
    ['scram-sha-512', 'KAFKA_SASL_PASSWORD_FILE'],
  ])(
    '%s: the ingestor consumes over SASL_SSL and stores the event (%s)',
    async (mechanism, how) => {
      const run = uniqueSuffix();
      const topic = `secure-${mechanism}-${run}`;
      const passwordFile = join(secrets, `password-${run}`);
      await writeFile(passwordFile, `${user.password}\n`, { mode: 0o600 });
      const ceId = await produceEvent(mechanism, topic, run);

      const ingestor = await startIngestor(
        processEnv(
          mechanism,
          topic,
          how === 'KAFKA_SASL_PASSWORD'
            ? { KAFKA_SASL_PASSWORD: user.password }
            : { KAFKA_SASL_PASSWORD_FILE: passwordFile },
        ),
      );
      running.add(ingestor);
      await expectEventually(async () =>
        expect(await storedEvents(ceId, topic)).toEqual([{ tenant: `acme-${run}` }]),
      );
      stopSoon(ingestor);
    },
  );

  it.each<Mechanism>(['plain', 'scram-sha-256', 'scram-sha-512'])(
    '%s: a wrong password is refused and nothing is stored',
    async (mechanism) => {
      const run = uniqueSuffix();
      const topic = `refused-${mechanism}-${run}`;
      const ceId = await produceEvent(mechanism, topic, run);

      const started = startIngestor(
        processEnv(mechanism, topic, { KAFKA_SASL_PASSWORD: wrongPassword }),
      );
      // Not ready, ever: it exits at start, saying why (and never with either password).
      const failure = await started.then(
        (ingestor) => {
          running.add(ingestor);
          throw new Error('the ingestor became ready with a wrong password');
        },
        (error: Error) => error.message,
      );
      expect(failure).toContain('ingestor exited early (1)');
      expect(failure).toMatch(/SASL (PLAIN|SCRAM SHA256|SCRAM SHA512) authentication failed/);
      expect(failure).not.toContain(wrongPassword);
      expect(failure).not.toContain(user.password);

      expect(await storedEvents(ceId, topic)).toEqual([]);
      const admin = trusted(mechanism).admin();
      await admin.connect();
      const [offsets] = await admin.fetchOffsets({ groupId: `ingestor-${topic}`, topics: [topic] });
      await admin.disconnect();
      expect(offsets.partitions.every(({ offset }) => offset === '-1')).toBe(true);
    },
  );

  it('stops at start, naming the variable, when a file it is given is missing', async () => {
    const topic = `missing-ca-${uniqueSuffix()}`;
    const failure = await startIngestor({
      ...processEnv('plain', topic, { KAFKA_SASL_PASSWORD: user.password }),
      KAFKA_SSL_CA_FILE: join(secrets, 'no-such-ca.pem'),
    }).then(
      () => 'ready',
      (error: Error) => error.message,
    );
    expect(failure).toContain('ingestor exited early (78)'); // EX_CONFIG
    expect(failure).toContain(
      'invalid configuration: KAFKA_SSL_CA_FILE: cannot read the file (ENOENT)',
    );
  });

  it('serves the API over SASL_SSL too: the feed consumer and the readiness check', async () => {
    const topic = `secure-api-${uniqueSuffix()}`;
    const api = await startService(
      'api',
      processEnv('scram-sha-512', topic, { KAFKA_SASL_PASSWORD: user.password }),
    );
    running.add(api);
    const ready = await fetch(`http://127.0.0.1:${api.port}/readyz`);
    expect(ready.status).toBe(200);
    stopSoon(api);
  });

  it('is TLS: its certificate is the CA file, and a client without TLS is refused', async () => {
    const peer = await new Promise<X509Certificate>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: broker.saslSslPort!, ca }, () => {
        const certificate = socket.getPeerX509Certificate();
        socket.destroy();
        if (!socket.authorized || !certificate) reject(new Error('not verified'));
        else resolve(certificate);
      });
      socket.once('error', reject);
    });
    expect(peer.fingerprint256).toBe(new X509Certificate(ca).fingerprint256);

    const plaintext = client({ ...once, sasl: sasl('plain') }).admin();
    await expect(plaintext.connect()).rejects.toThrow(/Closed connection|Connection error/);
  });

  it('refuses a client that does not trust the CA (the system CAs do not know it)', async () => {
    const untrusting = client({ ...once, ssl: true, sasl: sasl('scram-sha-256') }).admin();
    await expect(untrusting.connect()).rejects.toThrow(/self-signed certificate/);
  });

  it('stopped every process cleanly, and none of them ever printed the password', async () => {
    const ended = await Promise.all(stopped);
    expect(ended).toHaveLength(4);
    for (const { service, code } of ended) {
      // Nest re-raises SIGTERM after a graceful close; anything else is a crash.
      expect([0, 'SIGTERM']).toContain(code);
      expect(service.output()).not.toContain(user.password);
    }
  });
});
