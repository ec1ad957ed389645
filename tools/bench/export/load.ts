// The export benchmark's data: realistic stored events generated inside PostgreSQL (no
// broker, no ingestor: what is measured is reading them out), already in the ledger order.
import { LedgerIntegrator } from '@app/ledger';
import { DatabaseService, LedgerRepository } from '@app/persistence';
import type { Client } from 'pg';
import { log, seconds } from '../kit';

export const TENANTS = [
  'acme',
  'globex',
  'initech',
  'umbrella',
  'hooli',
  'wayne',
  'stark',
  'wonka',
];

// Half the events are exchanges (a human's token exchanged for an agent's, with the nested
// `act` claim), half the hops those agents perform with them; 1 in 33 hops calls another
// tenant. Each event's JSON is about 700 bytes, as a gateway's would be.
const EVENTS_SQL = (count: number) => `
  INSERT INTO events (id, source, ce_id, type, tenant, target_tenant, request_id, time, data, topic, partition, "offset")
  SELECT g, 'gw://' || t || '/gateway', 'ev-' || g,
         CASE WHEN g % 2 = 1 THEN 'provenant.token.exchanged' ELSE 'provenant.action.performed' END,
         t, CASE WHEN g % 2 = 0 AND g % 33 = 0 THEN other END, 'req-' || (g + 1) / 2,
         timestamptz '2026-11-01T00:00:00Z' + g * interval '10 milliseconds',
         CASE WHEN g % 2 = 1 THEN jsonb_build_object(
           'requestId', 'req-' || (g + 1) / 2,
           'subject', jsonb_build_object('id', 'user-' || g % 400 || '@' || t || '.example', 'issuer', 'https://login.' || t || '.example', 'kind', 'human'),
           'actor', jsonb_build_object('id', 'agent-' || g % 150, 'issuer', 'https://sts.' || t || '.example', 'kind', 'agent'),
           'subjectToken', jsonb_build_object('jti', 'tok-user-' || g, 'issuer', 'https://login.' || t || '.example',
             'scopes', jsonb_build_array('crm.read', 'crm.write'), 'expiresAt', '2026-11-01T12:00:00Z'),
           'issuedToken', jsonb_build_object('jti', 'tok-agent-' || g, 'issuer', 'https://sts.' || t || '.example',
             'audience', jsonb_build_array('crm-api'), 'scopes', jsonb_build_array('crm.read'),
             'issuedAt', '2026-11-01T00:00:00Z', 'expiresAt', '2026-11-01T01:00:00Z',
             'claims', jsonb_build_object('sub', 'user-' || g % 400 || '@' || t || '.example', 'act', jsonb_build_object('sub', 'agent-' || g % 150))),
           'grantType', 'urn:ietf:params:oauth:grant-type:token-exchange')
         ELSE jsonb_build_object(
           'requestId', 'req-' || (g + 1) / 2, 'hopId', 'hop-' || g,
           'actor', jsonb_build_object('id', 'agent-' || (g - 1) % 150, 'issuer', 'https://sts.' || t || '.example', 'kind', 'agent'),
           'onBehalfOf', jsonb_build_object('id', 'user-' || (g - 1) % 400 || '@' || t || '.example', 'issuer', 'https://login.' || t || '.example', 'kind', 'human'),
           'tool', jsonb_build_object('name', 'crm-search', 'server', 'mcp://tools.' || t || '.example'),
           'target', jsonb_build_object('service', 'crm-api', 'resource', 'customers/' || g % 10000, 'action', 'read')
             || CASE WHEN g % 33 = 0 THEN jsonb_build_object('tenant', other) ELSE '{}'::jsonb END,
           'token', jsonb_build_object('jti', 'tok-agent-' || g - 1, 'issuer', 'https://sts.' || t || '.example'),
           'decision', CASE WHEN g % 17 = 0 THEN 'deny' ELSE 'allow' END)
         END,
         'delegation-events', g % 6, g
  FROM generate_series(1, ${count}) g,
       LATERAL (SELECT (ARRAY['${TENANTS.join("','")}'])[1 + ((g + 1) / 2) % ${TENANTS.length}] AS t,
                       (ARRAY['${TENANTS.join("','")}'])[1 + ((g + 1) / 2 + 1) % ${TENANTS.length}] AS other) names`;

/**
 * Makes every placed event a leaf with the ingestor's own integrator (canonical record and
 * leaf hash in Provenant's code); returns leaves per second.
 */
async function integrateAll(databaseUrl: string, count: number): Promise<number> {
  const database = new DatabaseService({ url: databaseUrl, poolSize: 1 });
  const integrator = new LedgerIntegrator(database, new LedgerRepository(database));
  const started = Date.now();
  try {
    for (;;) {
      const result = await integrator.integrate(5000);
      if ('busy' in result || result.integrated < 5000) break;
    }
  } finally {
    await database.onApplicationShutdown();
  }
  return count / seconds(Date.now() - started);
}

/**
 * Loads `count` events, their places in the ledger and their leaves; returns how long it
 * took and how fast the integrator made leaves.
 */
export async function loadEvents(
  client: Client,
  databaseUrl: string,
  count: number,
): Promise<{ ms: number; leavesPerSec: number }> {
  const started = Date.now();
  await client.query('SET synchronous_commit = off');
  await client.query(EVENTS_SQL(count));
  log(
    `  events: ${count.toLocaleString('en-US')} rows, ${seconds(Date.now() - started).toFixed(1)} s`,
  );
  await client.query(
    `INSERT INTO ledger_entries (leaf_index, event_id, tenant, target_tenant)
     SELECT id - 1, id, tenant, target_tenant FROM events`,
  );
  await client.query(`SELECT setval(pg_get_serial_sequence('events', 'id'), ${count})`);
  await client.query('VACUUM (ANALYZE) events, ledger_entries');
  const leavesPerSec = await integrateAll(databaseUrl, count);
  log(`  leaves: ${count.toLocaleString('en-US')}, ${Math.round(leavesPerSec)} leaves/s`);
  await client.query('VACUUM (ANALYZE) ledger_leaves');
  return { ms: Date.now() - started, leavesPerSec };
}
