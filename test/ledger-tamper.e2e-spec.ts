import type { Kafka, Producer } from 'kafkajs';
import { Pool } from 'pg';
import { createDatabase, dropDatabase, migrate } from '../tools/infra';
import { expectEventually } from './support/eventually';
import { devToken } from './support/graphql-client';
import { createTopics, databaseUrl, testKafka, uniqueSuffix } from './support/infra';
import { leafHashOf, openCheckpoint, rootFromInclusion } from './support/rfc9162';
import { loadScenario, type Scenario } from './support/scenarios';
import { startService, stopGracefully, type IngestorProcess } from './support/service-process';

// Tampering as the database's owner would do it (triggers disabled, rows edited, deleted,
// the tail cut off): the service's integrity check reports each at error level and in its
// metrics, the ledger's proofs stop verifying against the signed checkpoint, and no
// checkpoint that does not extend the last signed one is ever signed. On a database of its
// own: the tampering must not reach other tests.

const b64 = (text: string) => Buffer.from(text, 'base64');

describe('tampering with the stored ledger', () => {
  const topic = `tamper-${uniqueSuffix()}`;
  const run = uniqueSuffix();
  const url = new URL(databaseUrl());
  url.pathname = `/provenant_tamper_${uniqueSuffix()}`;
  let kafka: Kafka;
  let producer: Producer;
  let owner: Pool;
  let ingestor: IngestorProcess;
  let api: IngestorProcess;
  let vkey: string;
  let authorization: string;

  const produce = (scenario: Scenario) =>
    producer.send({
      topic,
      messages: scenario.events.map((event) => ({
        key: scenario.requestId,
        value: JSON.stringify(event),
        headers: { 'content-type': 'application/cloudevents+json' },
      })),
    });
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${api.port}${path}`, {
      headers: { authorization },
    });
    return { status: response.status, text: await response.text() };
  };
  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${ingestor.port}/metrics`)).text();
    const line = text.split('\n').find((row) => row.startsWith(`${name} `));
    return Number(line?.split(' ')[1]);
  };
  /** Waits for an error-level log line of the ledger saying `what`. */
  const reported = (what: string) =>
    expectEventually(
      () => {
        const errors = ingestor
          .output()
          .split('\n')
          .filter((line) => line.includes('"level":50') && line.includes('ledger integrity'));
        expect(errors.join('\n')).toContain(what);
      },
      { timeoutMs: 20_000 },
    );
  /** As the owner: the change, with the append-only triggers off for its duration. */
  const asOwner = async (table: string, sql: string) => {
    await owner.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    try {
      await owner.query(sql);
    } finally {
      await owner.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    }
  };
  const latestSigned = async () =>
    Number(
      (
        await owner.query<{ size: string }>(
          'SELECT max(tree_size)::text AS size FROM ledger_checkpoints',
        )
      ).rows[0].size,
    );

  beforeAll(async () => {
    await createDatabase(url.toString());
    await migrate(url.toString());
    owner = new Pool({ connectionString: url.toString(), max: 2 });
    kafka = testKafka();
    await createTopics(kafka, [
      topic,
      `${topic}.dlq`,
      `${topic}-anomalies`,
      `${topic}-checkpoints`,
    ]);
    producer = kafka.producer();
    await producer.connect();
    const env = {
      DATABASE_URL: url.toString(),
      KAFKA_TOPIC: topic,
      KAFKA_ANOMALY_TOPIC: `${topic}-anomalies`,
      KAFKA_CHECKPOINT_TOPIC: `${topic}-checkpoints`,
      KAFKA_GROUP_ID: `ingestor-${topic}`,
      LEDGER_CHECKPOINT_INTERVAL_MS: '200',
      LEDGER_SELF_CHECK_INTERVAL_MS: '300',
    };
    [ingestor, api] = await Promise.all([startService('ingestor', env), startService('api', env)]);
    authorization = `Bearer ${await devToken([`acme-${run}`, `globex-${run}`], ['siem'])}`;
    vkey = (await get('/v1/ledger/key')).text.trim();
    for (const name of ['crm-agent-read', 'support-tool-billing', 'vault-workflow-secret'])
      await produce(loadScenario(name, run));
    const sent = ['crm-agent-read', 'support-tool-billing', 'vault-workflow-secret']
      .map((name) => loadScenario(name, run).events.length)
      .reduce((sum, n) => sum + n, 0);
    await expectEventually(async () => {
      const [{ n }] = (await owner.query<{ n: number }>('SELECT count(*)::int AS n FROM events'))
        .rows;
      expect(n).toBe(sent);
      expect(await latestSigned()).toBe(n);
      expect(await metric('provenant_ledger_integrity_ok')).toBe(1);
    });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await stopGracefully(ingestor, api);
    await owner?.end();
    await dropDatabase(url.toString());
  });

  it('detects a stored event changed under its record', async () => {
    await asOwner(
      'events',
      `UPDATE events SET data = jsonb_set(data, '{requestId}', '"forged"') WHERE id = (SELECT min(id) FROM events)`,
    );
    await reported('the stored event no longer matches its record');
    expect(await metric('provenant_ledger_integrity_ok')).toBe(0);
  });

  it('detects a leaf rewritten with its own hash, and its proof no longer verifies', async () => {
    const [leaf] = (
      await owner.query<{ leaf_index: string; record: string }>(
        'SELECT leaf_index::text, record FROM ledger_leaves WHERE leaf_index = 2',
      )
    ).rows;
    const forged = leaf.record
      .replace(/"tenantid":"[^"]*"/, `"tenantid":"acme-${run}"`)
      .replace('"specversion":"1.0"', '"specversion":"1.0 "');
    await asOwner(
      'ledger_leaves',
      `UPDATE ledger_leaves SET record = '${forged.replaceAll("'", "''")}', leaf_hash = decode('${leafHashOf(forged).toString('hex')}', 'hex') WHERE leaf_index = 2`,
    );
    await reported('node 1:1: does not match its children');
    const checkpoint = openCheckpoint((await get('/v1/ledger/checkpoint')).text, vkey);
    const proof = JSON.parse(
      (await get(`/v1/ledger/proof/inclusion?leaf=2&size=${checkpoint.size}`)).text,
    ) as { auditPath: string[] };
    expect(
      rootFromInclusion(2, checkpoint.size, leafHashOf(forged), proof.auditPath.map(b64)),
    ).not.toEqual(checkpoint.root);
    expect(
      rootFromInclusion(2, checkpoint.size, leafHashOf(leaf.record), proof.auditPath.map(b64)),
    ).toEqual(checkpoint.root);
  });

  it('detects a deleted leaf', async () => {
    await asOwner('ledger_leaves', 'DELETE FROM ledger_leaves WHERE leaf_index = 4');
    await reported('leaves are missing');
  });

  it('detects the tail cut off, and never signs a ledger that does not extend its last checkpoint', async () => {
    const signed = await latestSigned();
    const cut = signed - 3;
    const before = ingestor.output().length;
    // Everything of the last three events, as if they had never been.
    await asOwner(
      'ledger_nodes',
      `DELETE FROM ledger_nodes WHERE (idx + 1) * (2 ^ level)::bigint > ${cut}`,
    );
    await asOwner('ledger_leaves', `DELETE FROM ledger_leaves WHERE leaf_index >= ${cut}`);
    const gone = await owner.query<{ event_id: string }>(
      `SELECT event_id::text FROM ledger_entries WHERE leaf_index >= ${cut}`,
    );
    await asOwner('ledger_entries', `DELETE FROM ledger_entries WHERE leaf_index >= ${cut}`);
    await asOwner(
      'events',
      `DELETE FROM events WHERE id = ANY('{${gone.rows.map((row) => row.event_id).join(',')}}'::bigint[])`,
    );
    await reported(`fewer than the ${signed} of its last signed checkpoint`);
    // New events keep arriving and are stored and placed; no checkpoint is signed over them.
    const more = loadScenario('use-after-offboarding', run);
    await produce(more);
    await expectEventually(async () => {
      const placed = await owner.query(
        `SELECT 1 FROM ledger_entries l JOIN events e ON e.id = l.event_id WHERE e.ce_id = ANY($1)`,
        [more.events.map((event) => event.id)],
      );
      expect(placed.rowCount).toBe(more.events.length);
    });
    await expectEventually(() =>
      expect(
        ingestor
          .output()
          .slice(before)
          .split('\n')
          .some(
            (line) =>
              line.includes('refusing to sign') && line.includes(`fewer than the ${signed}`),
          ),
      ).toBe(true),
    );
    expect(await latestSigned()).toBe(signed);
  });
});
