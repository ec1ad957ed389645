import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import { BOOTSTRAP, ROOT } from '../tools/infra';
import { expectEventually } from './support/eventually';
import { devToken, graphql } from './support/graphql-client';
import { createTopics, testKafka, uniqueSuffix } from './support/infra';
import {
  consistent,
  leafHashOf,
  openCheckpoint,
  rootFromInclusion,
  type OpenedCheckpoint,
} from './support/rfc9162';
import { loadScenario, type Scenario } from './support/scenarios';
import { startService, stopGracefully, type IngestorProcess } from './support/service-process';

// CONTRACT §9 over HTTP against the real stack: checkpoints signed with the ledger key, and
// proofs that an implementation of RFC 9162 written from the RFC (test/support/rfc9162.ts),
// not Provenant's, accepts; `npm run verify` over the files an auditor would hold.

const b64 = (text: string) => Buffer.from(text, 'base64');

describe('the tamper-evident ledger', () => {
  const topic = `ledger-${uniqueSuffix()}`;
  const [runA, runB] = [uniqueSuffix(), uniqueSuffix()];
  let kafka: Kafka;
  let producer: Producer;
  let ingestor: IngestorProcess;
  let api: IngestorProcess;
  let vkey: string;
  const auditor = mkdtempSync(join(tmpdir(), 'provenant-audit-'));

  const produce = async (scenario: Scenario) =>
    producer.send({
      topic,
      messages: scenario.events.map((event) => ({
        key: scenario.requestId,
        value: JSON.stringify(event),
        headers: { 'content-type': 'application/cloudevents+json' },
      })),
    });
  const auth = (tenants: string[], roles = ['siem']) =>
    devToken(tenants, roles).then((token) => `Bearer ${token}`);
  const get = async (path: string, authorization: string) => {
    const response = await fetch(`http://127.0.0.1:${api.port}${path}`, {
      headers: { authorization },
    });
    return { status: response.status, text: await response.text() };
  };
  /** The latest checkpoint, once it covers at least `size` leaves, opened independently. */
  const checkpointOf = (size: number, authorization: string) =>
    expectEventually(async () => {
      const answer = await get('/v1/ledger/checkpoint', authorization);
      expect(answer.status).toBe(200);
      const opened = openCheckpoint(answer.text, vkey);
      expect(opened.size).toBeGreaterThanOrEqual(size);
      return { note: answer.text, ...opened };
    });
  const exportOf = async (authorization: string): Promise<string[]> => {
    const answer = await get('/v1/export/events?format=ndjson&limit=10000', authorization);
    expect(answer.status).toBe(200);
    return answer.text.split('\n').filter(Boolean);
  };
  beforeAll(async () => {
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
      KAFKA_TOPIC: topic,
      KAFKA_ANOMALY_TOPIC: `${topic}-anomalies`,
      KAFKA_CHECKPOINT_TOPIC: `${topic}-checkpoints`,
      KAFKA_GROUP_ID: `ingestor-${topic}`,
      LEDGER_CHECKPOINT_INTERVAL_MS: '200',
      EXPORT_RATE_LIMIT: '1000000',
    };
    [ingestor, api] = await Promise.all([startService('ingestor', env), startService('api', env)]);
    await produce(loadScenario('crm-agent-read', runA));
    await produce(loadScenario('crm-agent-read', runB));
    vkey = (await get('/v1/ledger/key', await auth([`acme-${runA}`]))).text.trim();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await stopGracefully(ingestor, api);
  });

  it('signs checkpoints with the key it serves, and publishes them to the checkpoint topic', async () => {
    const authorization = await auth([`acme-${runA}`]);
    const mine = await expectEventually(async () => {
      const lines = await exportOf(authorization);
      expect(lines).toHaveLength(loadScenario('crm-agent-read', runA).events.length);
      return lines.length;
    });
    const checkpoint = await checkpointOf(mine, authorization);
    expect(checkpoint.origin).toBe(vkey.split('+')[0]);
    const consumer = kafka.consumer({ groupId: `reader-${uniqueSuffix()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: `${topic}-checkpoints`, fromBeginning: true });
    const published: string[] = [];
    await consumer.run({
      eachMessage: ({ message }) => {
        published.push(message.value!.toString());
        return Promise.resolve();
      },
    });
    try {
      await expectEventually(() => expect(published.length).toBeGreaterThan(0));
      // Each one opens with the key and names the ledger's origin.
      for (const note of published)
        expect(openCheckpoint(note, vkey).origin).toBe(checkpoint.origin);
    } finally {
      await consumer.disconnect();
    }
  });

  it('proves every exported record is a leaf of the signed tree, and nothing of another tenant’s', async () => {
    const authorization = await auth([`acme-${runA}`]);
    const lines = await exportOf(authorization);
    const checkpoint = await checkpointOf(0, authorization);
    await expectEventually(async () => {
      const last = JSON.parse(lines[lines.length - 1]) as { provenantuid: string };
      const answer = await get(
        `/v1/ledger/proof/inclusion?leaf=event:${last.provenantuid}`,
        authorization,
      );
      expect(answer.status).toBe(200);
    });
    const current = await checkpointOf(0, authorization);
    for (const line of lines) {
      const uid = (JSON.parse(line) as { provenantuid: string }).provenantuid;
      const answer = await get(
        `/v1/ledger/proof/inclusion?leaf=event:${uid}&size=${current.size}`,
        authorization,
      );
      expect(answer.status).toBe(200);
      const proof = JSON.parse(answer.text) as {
        leafIndex: number;
        treeSize: number;
        leafHash: string;
        auditPath: string[];
        eventId: string;
      };
      expect(proof.eventId).toBe(uid);
      expect(b64(proof.leafHash)).toEqual(leafHashOf(line));
      expect(
        rootFromInclusion(
          proof.leafIndex,
          current.size,
          leafHashOf(line),
          proof.auditPath.map(b64),
        ),
      ).toEqual(current.root);
      // An edited record is not in the tree.
      expect(
        rootFromInclusion(
          proof.leafIndex,
          current.size,
          leafHashOf(line.replace('acme', 'acmf')),
          proof.auditPath.map(b64),
        ),
      ).not.toEqual(current.root);
    }
    expect(checkpoint.size).toBeLessThanOrEqual(current.size);

    // The other tenant's events exist, but not for this caller: 404, like an unknown leaf.
    const theirs = await exportOf(await auth([`acme-${runB}`]));
    const theirUid = (JSON.parse(theirs[0]) as { provenantuid: string }).provenantuid;
    expect(
      (await get(`/v1/ledger/proof/inclusion?leaf=event:${theirUid}`, authorization)).status,
    ).toBe(404);
    expect((await get('/v1/ledger/proof/inclusion?leaf=999999999', authorization)).status).toBe(
      404,
    );
    expect((await get('/v1/ledger/proof/inclusion?leaf=-1', authorization)).status).toBe(400);
    expect((await get('/v1/ledger/checkpoint', '')).status).toBe(401);
  });

  it('proves that a later tree extends an earlier one, and that a rewritten one would not', async () => {
    const authorization = await auth([`acme-${runA}`]);
    const first = await checkpointOf(1, authorization);
    await produce(loadScenario('support-tool-billing', runA));
    const second = await checkpointOf(first.size + 1, authorization);
    const answer = await get(
      `/v1/ledger/proof/consistency?from=${first.size}&to=${second.size}`,
      authorization,
    );
    expect(answer.status).toBe(200);
    const proof = (JSON.parse(answer.text) as { proof: string[] }).proof.map(b64);
    expect(consistent(first.size, second.size, first.root, second.root, proof)).toBe(true);
    const forged: OpenedCheckpoint = { ...first, root: Buffer.alloc(32, 1) };
    expect(consistent(forged.size, second.size, forged.root, second.root, proof)).toBe(false);
    expect(
      (
        await get(
          `/v1/ledger/proof/consistency?from=${second.size}&to=${first.size}`,
          authorization,
        )
      ).status,
    ).toBe(400);

    // The auditor's tool agrees, from the files alone.
    writeFileSync(join(auditor, 'key'), vkey);
    writeFileSync(join(auditor, 'old.note'), first.note);
    writeFileSync(join(auditor, 'new.note'), second.note);
    writeFileSync(join(auditor, 'consistency.json'), answer.text);
    const verified = verifyTool([
      '--key',
      join(auditor, 'key'),
      '--checkpoint',
      join(auditor, 'new.note'),
      '--previous',
      join(auditor, 'old.note'),
      '--consistency',
      join(auditor, 'consistency.json'),
    ]);
    expect(verified.stdout).toContain('ok    consistency');
    expect(verified.status).toBe(0);
  });

  it('carries a proof in the provenance answer, and `npm run verify` checks it and an export file offline', async () => {
    const investigator = await auth([`acme-${runA}`], ['investigator']);
    const requestId = loadScenario('crm-agent-read', runA).requestId;
    const query = `query ($id: ID!) { provenance(requestId: $id) { requestId proof { checkpoint treeSize rootHash pending leaves { eventId leafIndex leafHash auditPath record } } } }`;
    const bundle = await expectEventually(async () => {
      const answer = await graphql<{
        provenance: {
          proof: {
            checkpoint: string;
            treeSize: number;
            pending: string[];
            leaves: Array<{
              leafIndex: number;
              auditPath: string[];
              record: string;
              eventId: string;
            }>;
          };
        };
      }>(api.port, query, { id: requestId }, investigator);
      const proof = answer.data?.provenance.proof;
      expect(proof?.leaves.length).toBeGreaterThan(0);
      expect(proof?.pending).toEqual([]);
      return proof!;
    });
    const checkpoint = openCheckpoint(bundle.checkpoint, vkey);
    for (const leaf of bundle.leaves) {
      expect(
        rootFromInclusion(
          leaf.leafIndex,
          checkpoint.size,
          leafHashOf(leaf.record),
          leaf.auditPath.map(b64),
        ),
      ).toEqual(checkpoint.root);
      expect((JSON.parse(leaf.record) as { data: { requestId?: string } }).data.requestId).toBe(
        requestId,
      );
    }
    // Another tenant's investigator gets no answer, hence no proof.
    const stranger = await auth([`acme-${runB}`], ['investigator']);
    const none = await graphql<{ provenance: unknown }>(
      api.port,
      query,
      { id: requestId },
      stranger,
    );
    expect(none.data?.provenance).toBeNull();

    writeFileSync(join(auditor, 'key'), vkey);
    writeFileSync(join(auditor, 'bundle.json'), JSON.stringify(bundle));
    const good = verifyTool([
      '--key',
      join(auditor, 'key'),
      '--bundle',
      join(auditor, 'bundle.json'),
    ]);
    expect(good.stdout).toContain('all checks passed');
    expect(good.status).toBe(0);

    // An export file and its proofs; then the same file with one record edited.
    const siem = await auth([`acme-${runA}`]);
    const lines = await exportOf(siem);
    const note = (await get('/v1/ledger/checkpoint', siem)).text;
    const size = openCheckpoint(note, vkey).size;
    const proofs: string[] = [];
    for (const line of lines) {
      const uid = (JSON.parse(line) as { provenantuid: string }).provenantuid;
      proofs.push(
        (await get(`/v1/ledger/proof/inclusion?leaf=event:${uid}&size=${size}`, siem)).text,
      );
    }
    writeFileSync(join(auditor, 'checkpoint.note'), note);
    writeFileSync(join(auditor, 'export.ndjson'), `${lines.join('\n')}\n`);
    writeFileSync(join(auditor, 'proofs.ndjson'), `${proofs.join('\n')}\n`);
    const files = [
      '--key',
      join(auditor, 'key'),
      '--checkpoint',
      join(auditor, 'checkpoint.note'),
      '--records',
      join(auditor, 'export.ndjson'),
      '--proofs',
      join(auditor, 'proofs.ndjson'),
    ];
    const exported = verifyTool(files);
    expect(exported.stdout).toContain('all checks passed');
    expect(exported.status).toBe(0);
    writeFileSync(
      join(auditor, 'export.ndjson'),
      `${[lines[0].replace(/"decision":"(allow|deny)"/, '"decision":"permit"').replace('"tenantid":"', '"tenantid":"x'), ...lines.slice(1)].join('\n')}\n`,
    );
    const edited = verifyTool(files);
    expect(edited.stdout).toMatch(/FAIL {2}record at leaf \d+/);
    expect(edited.status).toBe(1);
  });
});

function verifyTool(args: string[]) {
  const result = spawnSync(
    process.execPath,
    [BOOTSTRAP, join(ROOT, 'tools', 'verify.ts'), ...args],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return { status: result.status, stdout: result.stdout + result.stderr };
}
