import { anomalyEventSchema } from '@app/contract';
import { OCSF_VERSION } from '@app/export';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { expectEventually } from './support/eventually';
import { devToken } from './support/graphql-client';
import { createTopics, testKafka, testPool, uniqueSuffix } from './support/infra';
import { loadScenario, scenarioNames, type Scenario } from './support/scenarios';
import {
  startService,
  stopGracefully,
  stopIngestor,
  type IngestorProcess,
} from './support/service-process';

// CONTRACT §6 over HTTP against the real stack: a SIEM pages through everything its tenants
// may see, exactly once, while new events keep arriving; nothing of another tenant's; only
// with the `siem` role; and a client that goes away leaves nothing open in the database.

type ScenarioEvent = Scenario['events'][number];

const ROOT = join(__dirname, '..');

interface Page {
  status: number;
  cursor: string | null;
  count: number;
  lines: string[];
}

/** `n` copies of a scenario's events, each copy its own request and event ids. */
function copies(scenario: Scenario, n: number, tag: string): ScenarioEvent[] {
  const events: ScenarioEvent[] = [];
  for (let i = 0; i < n; i++) {
    for (const event of scenario.events) {
      const data = { ...event.data };
      if (typeof data.requestId === 'string') data.requestId = `${data.requestId}-${tag}${i}`;
      events.push({ ...event, id: `${event.id}-${tag}${i}`, data });
    }
  }
  return events;
}

/** Whether a tenant may see an event (CONTRACT §3): its owner, or the tenant it targets. */
const visibleTo = (tenant: string) => (event: ScenarioEvent) =>
  event.tenantid === tenant ||
  (event.data.target as { tenant?: string } | undefined)?.tenant === tenant;

const identity = (line: string): string => {
  const event = JSON.parse(line) as { source: string; id: string };
  return `${event.source} ${event.id}`;
};

describe('SIEM export over HTTP', () => {
  const topic = `export-${uniqueSuffix()}`;
  const run = uniqueSuffix();
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  let ingestor: IngestorProcess;
  let api: IngestorProcess;
  const sent: ScenarioEvent[] = [];
  const acme = `acme-${run}`;
  const globex = `globex-${run}`;

  const produce = async (events: ScenarioEvent[]) => {
    // In sends the broker's request size limit takes.
    for (let start = 0; start < events.length; start += 500) {
      await producer.send({
        topic,
        messages: events.slice(start, start + 500).map((event) => ({
          key: typeof event.data.requestId === 'string' ? event.data.requestId : event.id,
          value: JSON.stringify(event),
          headers: { 'content-type': 'application/cloudevents+json' },
        })),
      });
    }
    sent.push(...events);
  };
  const siem = (tenants: string[], roles = ['siem']) =>
    devToken(tenants, roles).then((token) => `Bearer ${token}`);

  const page = async (
    path: string,
    authorization: string | null,
    params: Record<string, string>,
    port = api.port,
  ): Promise<Page> => {
    const response = await fetch(
      `http://127.0.0.1:${port}${path}?${new URLSearchParams(params).toString()}`,
      { headers: authorization ? { authorization } : {} },
    );
    const body = await response.text();
    return {
      status: response.status,
      cursor: response.headers.get('x-next-cursor'),
      count: Number(response.headers.get('x-record-count') ?? 0),
      lines: body === '' ? [] : body.replace(/\n$/, '').split('\n'),
    };
  };

  /** Pages from the start until a page comes back empty; every line, in order. */
  const everything = async (
    path: string,
    authorization: string,
    params: Record<string, string>,
  ): Promise<string[]> => {
    const lines: string[] = [];
    let after: string | undefined;
    for (;;) {
      const next = await page(path, authorization, { ...params, ...(after ? { after } : {}) });
      expect(next.status).toBe(200);
      expect(next.cursor).toBeTruthy();
      expect(next.lines).toHaveLength(next.count);
      lines.push(...next.lines);
      if (next.lines.length === 0) return lines;
      after = next.cursor!;
    }
  };

  beforeAll(async () => {
    kafka = testKafka();
    pool = testPool();
    await createTopics(kafka, [topic, `${topic}.dlq`, `${topic}-anomalies`]);
    producer = kafka.producer();
    await producer.connect();
    const env = {
      KAFKA_TOPIC: topic,
      KAFKA_ANOMALY_TOPIC: `${topic}-anomalies`,
      KAFKA_GROUP_ID: `ingestor-${topic}`,
      // Paging tests make hundreds of requests; the limit itself is tested on its own API.
      EXPORT_RATE_LIMIT: '1000000',
    };
    [ingestor, api] = await Promise.all([startService('ingestor', env), startService('api', env)]);
    for (const name of scenarioNames()) await produce(loadScenario(name, run).events);
    // Enough that a page outgrows every socket buffer on the way (about 9 MB of NDJSON).
    await produce(copies(loadScenario('support-tool-billing', run), 3000, 'bulk'));
    const expected = sent.filter(visibleTo(acme)).length;
    await expectEventually(
      async () =>
        expect(
          Number(
            (
              await pool.query<{ count: string }>(
                'SELECT count(*) FROM ledger_entries WHERE tenant = $1 OR target_tenant = $1',
                [acme],
              )
            ).rows[0].count,
          ),
        ).toBe(expected),
      { timeoutMs: 90_000, intervalMs: 500 },
    );
  });

  afterAll(async () => {
    await producer?.disconnect();
    await pool?.end();
    await stopGracefully(api, ingestor);
  });

  it('pages through every visible event exactly once, in a stable order', async () => {
    const auth = await siem([acme]);
    const whole = await everything('/v1/export/events', auth, { limit: '50000' });
    const paged = await everything('/v1/export/events', auth, { limit: '37' });
    expect(paged).toEqual(whole);
    const ids = paged.map(identity);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(
      sent
        .filter(visibleTo(acme))
        .map((event) => `${event.source as string} ${event.id}`)
        .sort(),
    );
    for (const line of paged) {
      const event = JSON.parse(line) as Record<string, unknown>;
      expect(event).toMatchObject({ specversion: '1.0', datacontenttype: 'application/json' });
      expect(String(event.provenantuid)).toMatch(/^\d+$/);
      expect(typeof event.data).toBe('object');
    }
  });

  it('yields every record exactly once to a reader paging while new events arrive', async () => {
    const auth = await siem([acme]);
    const seen: string[] = [];
    let after: string | undefined;
    const more = loadScenario('crm-agent-read', run);
    for (let round = 0; round < 12; round++) {
      const next = await page('/v1/export/events', auth, {
        limit: '150',
        ...(after ? { after } : {}),
      });
      seen.push(...next.lines.map(identity));
      after = next.cursor!;
      if (round < 8) await produce(copies(more, 10, `live${round}-`));
    }
    const expected = sent
      .filter(visibleTo(acme))
      .map((event) => `${event.source as string} ${event.id}`);
    await expectEventually(async () => {
      for (;;) {
        const next = await page('/v1/export/events', auth, { limit: '500', after: after! });
        seen.push(...next.lines.map(identity));
        after = next.cursor!;
        if (next.lines.length === 0) break;
      }
      expect(seen.length).toBe(expected.length);
    });
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...expected].sort());
  });

  it('shows a tenant only its own records and those aimed at it, a stranger nothing', async () => {
    const lines = await everything('/v1/export/events', await siem([globex]), { limit: '1000' });
    const ids = lines.map(identity).sort();
    expect(ids).toEqual(
      sent
        .filter(visibleTo(globex))
        .map((event) => `${event.source as string} ${event.id}`)
        .sort(),
    );
    expect(ids.length).toBeGreaterThan(0);
    const stranger = await page('/v1/export/events', await siem([`stranger-${run}`]), {});
    expect(stranger).toMatchObject({ status: 200, count: 0, lines: [] });
    expect(stranger.cursor).toBeTruthy();
    // The stranger's cursor leads nowhere it may not go: from it, still nothing.
    const again = await page('/v1/export/events', await siem([`stranger-${run}`]), {
      after: stranger.cursor!,
    });
    expect(again.lines).toEqual([]);
  });

  it('exports anomalies as the anomaly topic’s CloudEvents, each visible one once', async () => {
    const auth = await siem([acme]);
    // Each anomaly once, as its latest published version (`<id>` at detection, `<id>.<n>`
    // once it changed: later facts may withdraw one).
    const expected = (
      await pool.query<{ id: string }>(
        `SELECT CASE WHEN version = 1 THEN id::text ELSE id::text || '.' || version END AS id
         FROM anomalies WHERE (tenant = $1 OR target_tenant = $1) AND feed_seq IS NOT NULL`,
        [acme],
      )
    ).rows.map((row) => row.id);
    expect(expected.length).toBeGreaterThan(0);
    const lines = await everything('/v1/export/anomalies', auth, { limit: '2' });
    const events = lines.map((line) => anomalyEventSchema.parse(JSON.parse(line)));
    expect(events.map((event) => event.id).sort()).toEqual([...expected].sort());
    expect(new Set(events.map((event) => event.data.id)).size).toBe(events.length);
    for (const event of events)
      expect([event.data.tenant, event.data.targetTenant]).toContain(acme);
  });

  it('writes the same events in OCSF, every line valid against the OCSF 1.8.0 classes, and in CEF', async () => {
    const auth = await siem([globex]);
    const ndjson = await everything('/v1/export/events', auth, { limit: '1000' });
    const uids = ndjson.map((line) =>
      String((JSON.parse(line) as { provenantuid: string }).provenantuid),
    );
    const ocsf = await everything('/v1/export/events', auth, { limit: '7', format: 'ocsf' });
    const schema = JSON.parse(
      readFileSync(join(ROOT, 'libs/export/src/ocsf', `ocsf-${OCSF_VERSION}.schema.json`), 'utf8'),
    ) as object;
    const ajv = new Ajv2020({ allErrors: true });
    addFormats(ajv);
    const valid = ajv.compile(schema);
    for (const line of ocsf) {
      const record: unknown = JSON.parse(line);
      expect([valid(record), valid.errors ?? []]).toEqual([true, []]);
    }
    expect(
      ocsf.map((line) => (JSON.parse(line) as { metadata: { uid: string } }).metadata.uid),
    ).toEqual(uids);

    const cef = await everything('/v1/export/events', auth, { limit: '7', format: 'cef' });
    expect(cef).toHaveLength(uids.length);
    for (const [i, line] of cef.entries()) {
      expect(line).toMatch(/^CEF:0\|Provenant\|Provenant\|/);
      // Eight header fields: seven unescaped pipes before the extension.
      expect(line.match(/(?<!\\)\|/g)!.length).toBeGreaterThanOrEqual(7);
      expect(line).toContain(` externalId=${uids[i]}`);
    }
    const anomalies = await everything('/v1/export/anomalies', auth, { format: 'ocsf' });
    for (const line of anomalies) expect(valid(JSON.parse(line))).toBe(true);
    expect(anomalies.length).toBeGreaterThan(0);
  });

  it('hands an investigator or a SIEM one request’s chain as W3C PROV-JSON, and nobody else', async () => {
    const scenario = loadScenario('cross-tenant-actor-token', run);
    const url = (requestId: string) =>
      `http://127.0.0.1:${api.port}/v1/export/provenance/${encodeURIComponent(requestId)}?format=prov-json`;
    const get = async (requestId: string, authorization: string) => {
      const response = await fetch(url(requestId), { headers: { authorization } });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    const owner = scenario.expect.visibleTo[0];
    for (const role of ['investigator', 'siem']) {
      const { status, body } = await get(scenario.requestId, await siem([owner], [role]));
      expect(status).toBe(200);
      expect(body.prefix).toMatchObject({ prov: 'http://www.w3.org/ns/prov#' });
      const agents = Object.values(body.agent as Record<string, Record<string, unknown>>);
      expect(agents.map((agent) => agent['provenant:id'])).toEqual(
        expect.arrayContaining(scenario.expect.chain),
      );
      expect(Object.keys(body.actedOnBehalfOf ?? {})).toHaveLength(
        scenario.expect.chain.length - 1,
      );
      expect(Object.keys(body.activity ?? {}).length).toBeGreaterThanOrEqual(
        scenario.expect.hops.length,
      );
    }
    const hidden = scenario.expect.hiddenFrom[0] ?? `stranger-${run}`;
    expect((await get(scenario.requestId, await siem([hidden]))).status).toBe(404);
    expect((await get(`no-such-${run}`, await siem([owner]))).status).toBe(404);
    expect((await get(scenario.requestId, await siem([owner], ['dashboard']))).status).toBe(403);
    expect((await get('nul\u0000here', await siem([owner]))).status).toBe(400);
  });

  it('writes each export page to the access log: who, which tenants, how many records, never the token', async () => {
    const authorization = await siem([acme]);
    const first = await page('/v1/export/events', authorization, { limit: '3' });
    // The second page names the first one's cursor: that is how its record is found.
    await page('/v1/export/events', authorization, { limit: '3', after: first.cursor! });
    const record = await expectEventually(() => {
      const found = api
        .output()
        .split('\n')
        .filter((line) => line.includes('"access"'))
        .map((line) => JSON.parse(line) as { access: { ids?: { after?: string } } })
        .find((line) => line.access.ids?.after === first.cursor);
      expect(found).toBeDefined();
      return found!;
    });
    expect(record.access).toMatchObject({
      sub: 'test-user',
      tenants: [acme],
      type: 'http',
      field: '/v1/export/events',
      ids: { after: first.cursor },
      results: 3,
      outcome: 'ok',
    });
    expect(api.output()).not.toContain(authorization.slice('Bearer '.length));
  });

  it('refuses a caller without the siem role, and one without a token', async () => {
    const investigator = await page('/v1/export/events', await siem([acme], ['investigator']), {});
    expect(investigator.status).toBe(403);
    expect(investigator.lines.join('')).not.toContain(acme);
    expect((await page('/v1/export/anomalies', null, {})).status).toBe(401);
  });

  it('refuses a malformed query or a cursor of another export, naming what is wrong', async () => {
    const auth = await siem([acme]);
    const events = await page('/v1/export/events', auth, { limit: '1' });
    for (const params of <Array<Record<string, string>>>[
      { format: 'xml' },
      { limit: '0' },
      { limit: '50001' },
      { since: 'yesterday' },
      { after: 'not-a-cursor' },
      { after: events.cursor! }, // an events cursor handed to the anomaly export
      { surprise: '1' },
    ]) {
      const refused = await page('/v1/export/anomalies', auth, params);
      expect(refused.status).toBe(400);
      expect(refused.lines.join('')).toMatch(/"message"/);
    }
  });

  it('closes the database cursor at once when the client goes away mid-stream', async () => {
    const authorization = await siem([acme]);
    // The connection that served the cursor, still there after the hang-up: a cursor cut
    // short leaves its connection mid-protocol, so the API must discard it, not keep it
    // checked out (suspended between fetches, it looks idle and holds the pool's end).
    const since = (await pool.query<{ now: Date }>('SELECT now()')).rows[0].now;
    const cursorConnections = async () =>
      Number(
        (
          await pool.query<{ count: string }>(
            `SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND application_name = 'provenant'
               AND query LIKE 'SELECT l.leaf_index::text AS position%' AND state_change >= $1`,
            [since],
          )
        ).rows[0].count,
      );
    // Read the first chunk of a large page, then hang up while the server still streams.
    await new Promise<void>((resolve, reject) => {
      const request = httpRequest(
        `http://127.0.0.1:${api.port}/v1/export/events?limit=50000&format=ndjson`,
        { headers: { authorization } },
        (response) => {
          response.once('data', () => {
            response.pause();
            setTimeout(() => {
              request.destroy();
              resolve();
            }, 300);
          });
        },
      );
      request.on('error', (error) => (request.destroyed ? resolve() : reject(error)));
      request.end();
    });
    await expectEventually(async () => expect(await cursorConnections()).toBe(0));
    // And the API still answers.
    expect((await page('/v1/export/events', authorization, { limit: '1' })).count).toBe(1);
  });

  it('describes its HTTP endpoints in an OpenAPI document generated from the code', async () => {
    const response = await fetch(`http://127.0.0.1:${api.port}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<
        string,
        { get: { parameters: Array<{ name: string; schema?: { enum?: string[] } }> } }
      >;
    };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths).sort()).toEqual([
      '/healthz',
      '/metrics',
      '/readyz',
      '/v1/export/anomalies',
      '/v1/export/events',
      '/v1/export/provenance/{requestId}',
      '/v1/ledger/checkpoint',
      '/v1/ledger/key',
      '/v1/ledger/proof/consistency',
      '/v1/ledger/proof/inclusion',
    ]);
    const format = document.paths['/v1/export/events'].get.parameters.find(
      (parameter) => parameter.name === 'format',
    );
    expect(format?.schema?.enum).toEqual(['ndjson', 'ocsf', 'cef']);
  });

  it('answers 429 with Retry-After once a caller exceeds its rate', async () => {
    const limited = await startService('api', {
      KAFKA_TOPIC: topic,
      KAFKA_ANOMALY_TOPIC: `${topic}-anomalies`,
      EXPORT_RATE_LIMIT: '3',
      EXPORT_RATE_WINDOW_MS: '60000',
    });
    try {
      const auth = await siem([acme]);
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`http://127.0.0.1:${limited.port}/v1/export/events?limit=1`, {
          headers: { authorization: auth },
        });
        statuses.push(response.status);
        if (response.status === 429) retryAfter = response.headers.get('retry-after');
        await response.arrayBuffer();
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await stopIngestor(limited);
    }
  });
});
