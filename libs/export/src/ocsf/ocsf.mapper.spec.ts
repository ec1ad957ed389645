import {
  PRINCIPAL_CHANGES,
  TOKEN_REVOKED,
  delegationEventSchema,
  type DelegationEvent,
} from '@app/contract';
import { SEVERITIES } from '@app/graph';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportedAnomaly, ExportedEvent } from '../export-record';
import { apiActivityOf } from './ocsf-activity.mapper';
import { PRODUCT } from '../product';
import { PROVENANT_OCSF_PRODUCT, ocsfProduct } from './ocsf-objects';
import { toOcsfAnomaly, toOcsfEvent } from './ocsf.mapper';
import { OCSF_EMITTED_CLASSES, OCSF_VERSION } from './ocsf-vocabulary';

const ROOT = join(__dirname, '..', '..', '..', '..');
const SCHEMA = JSON.parse(
  readFileSync(join(__dirname, `ocsf-${OCSF_VERSION}.schema.json`), 'utf8'),
) as Record<string, any>;

// Compiled once for the file: the schema is large, and the records are many.
const ajv = new Ajv2020({ allErrors: true });
addFormats(ajv);
const validateOcsf = ajv.compile(SCHEMA);

/** What the schema says is wrong with a record as it goes over the wire (JSON). */
function schemaErrors(record: unknown): string[] {
  const wire: unknown = JSON.parse(JSON.stringify(record));
  return validateOcsf(wire)
    ? []
    : (validateOcsf.errors ?? []).map(
        (error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`,
      );
}

const RECEIVED_AT = '2026-11-01T12:00:00.250Z';
let nextUid = 1000;
const stored = (raw: unknown): ExportedEvent => ({
  ...(delegationEventSchema.parse(raw) as DelegationEvent),
  uid: String(nextUid++),
  receivedAt: RECEIVED_AT,
});

// The stories of test/scenarios, as the export reads them (the raw-credential story is left
// out: its raw token is redacted at ingestion, before anything is exported).
const STORIES = [
  'crm-agent-read',
  'cross-tenant-actor-token',
  'support-tool-billing',
  'use-after-offboarding',
  'vault-workflow-secret',
];
function storyEvents(name: string): ExportedEvent[] {
  const text = readFileSync(join(ROOT, 'test', 'scenarios', `${name}.json`), 'utf8');
  const { events } = JSON.parse(text.replaceAll('{run}', 'r1')) as { events: unknown[] };
  return events.map(stored);
}
const story = Object.fromEntries(STORIES.map((name) => [name, storyEvents(name)]));
const byId = (id: string): ExportedEvent => {
  const event = Object.values(story)
    .flat()
    .find((candidate) => candidate.id === id);
  if (event === undefined) throw new Error(`no event ${id}`);
  return event;
};

// The CRM story goes on: the operator ends the session and the tool's token is revoked.
const revocation = stored({
  specversion: '1.0',
  id: 'crm-revoke-r1',
  source: 'gw://acme/sts',
  type: TOKEN_REVOKED,
  time: '2026-11-01T09:10:00Z',
  tenantid: 'acme-r1',
  data: {
    token: {
      jti: 'tok-tool-r1',
      issuer: 'https://sts.acme.example',
      tenant: 'acme-r1',
      claims: {
        sub: 'alice@acme.example',
        act: { sub: 'tool:crm-lookup', act: { sub: 'agent:support-bot' } },
      },
    },
    reason: 'session ended by the operator',
    revokedAt: '2026-11-01T09:09:59Z',
  },
});

// Every lifecycle change, told of Dave as the offboarding story tells of his offboarding.
const offboarding = byId('off-2-r1');
const changes = PRINCIPAL_CHANGES.map((change, index) =>
  stored({
    ...offboarding,
    id: `off-change-${index}-r1`,
    data: { ...offboarding.data, change },
    uid: undefined,
    receivedAt: undefined,
  }),
);

const ALL_EVENTS: ExportedEvent[] = [...Object.values(story).flat(), revocation, ...changes];

const crossTenant: ExportedAnomaly = {
  id: '7001',
  rule: 'CROSS_TENANT_DELEGATION',
  severity: 'CRITICAL',
  requestId: 'req-xt-r1',
  tenant: 'globex-r1',
  targetTenant: 'acme-r1',
  summary:
    'agent:harvester used a token of tenant globex-r1 against crm-api of tenant acme-r1 (hop export)',
  details: {
    hopId: 'export',
    fromTenant: 'globex-r1',
    targetTenant: 'acme-r1',
    via: ['token'],
    tokenKey: 'jti:https://sts.globex.example#tok-harvester-r1',
  },
  detectedAt: '2026-11-01T12:00:01.500Z',
  verdict: 'OPEN',
  verdictReason: null,
  triage: 'NEW',
  version: 1,
  changedAt: '2026-11-01T12:00:01.500Z',
  suppressedBy: null,
};
/** Later versions of the same finding: withdrawn by the rules, triaged by an analyst. */
const withdrawn: ExportedAnomaly = {
  ...crossTenant,
  verdict: 'WITHDRAWN',
  verdictReason: 'the facts stored since no longer show it',
  version: 2,
  changedAt: '2026-11-01T12:30:00.000Z',
};
const acknowledged: ExportedAnomaly = {
  ...crossTenant,
  triage: 'ACKNOWLEDGED',
  version: 2,
  changedAt: '2026-11-01T12:05:00.000Z',
};
const falsePositive: ExportedAnomaly = { ...acknowledged, triage: 'FALSE_POSITIVE', version: 3 };
const ANOMALIES: ExportedAnomaly[] = [
  crossTenant,
  ...SEVERITIES.map((severity, index) => ({
    ...crossTenant,
    id: String(7100 + index),
    rule: 'UNTRACKED_HOP',
    severity,
    requestId: null,
    targetTenant: null,
    details: null,
  })),
];
/** Every version the schema must accept: detection, the severities, and later changes. */
const VERSIONS: ExportedAnomaly[] = [...ANOMALIES, withdrawn, acknowledged, falsePositive];

describe('a finding over its versions', () => {
  it('is created at detection, updated by triage, closed when withdrawn, its status the triage', () => {
    const view = (anomaly: ExportedAnomaly) => {
      const record = toOcsfAnomaly(anomaly);
      return [record.activity_id, record.status, record.status_detail, record.time];
    };
    expect(view(crossTenant)).toEqual([1, 'New', undefined, Date.parse(crossTenant.detectedAt)]);
    expect(view(acknowledged)).toEqual([
      2,
      'In Progress',
      undefined,
      Date.parse(acknowledged.changedAt),
    ]);
    expect(view(falsePositive)).toEqual([
      2,
      'Resolved',
      'False positive',
      Date.parse(acknowledged.changedAt),
    ]);
    expect(view(withdrawn)).toEqual([
      3,
      'New',
      'Withdrawn: the facts stored since no longer show it',
      Date.parse(withdrawn.changedAt),
    ]);
    expect(toOcsfAnomaly(withdrawn).finding_info.modified_time).toBe(
      Date.parse(withdrawn.changedAt),
    );
    expect(toOcsfAnomaly(withdrawn).metadata.uid).toBe(crossTenant.id);
  });

  it('keeps a suppressed anomaly as a finding that raises no alert, saying by which suppression', () => {
    expect(toOcsfAnomaly(crossTenant).is_alert).toBe(true);
    const suppressed = toOcsfAnomaly({ ...crossTenant, suppressedBy: '42' });
    expect(suppressed.is_alert).toBe(false);
    expect(suppressed.status_detail).toBe('Suppressed by suppression 42');
    expect(schemaErrors(suppressed)).toEqual([]);
  });
});

describe('the committed OCSF JSON Schema', () => {
  it('is a draft 2020-12 schema naming its source and licence', () => {
    expect(SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(SCHEMA.$comment).toContain('github.com/ocsf/ocsf-schema tag 1.8.0');
    expect(SCHEMA.$comment).toContain('Apache-2.0');
  });

  it('defines exactly the classes the mapper emits', () => {
    expect(SCHEMA.properties.class_uid.enum).toEqual(OCSF_EMITTED_CLASSES.map((cls) => cls.uid));
    const records = [...ALL_EVENTS.map((event) => toOcsfEvent(event)), toOcsfAnomaly(crossTenant)];
    expect(new Set(records.map((record) => record.class_uid))).toEqual(
      new Set(OCSF_EMITTED_CLASSES.map((cls) => cls.uid)),
    );
  });

  // The schema must refuse what OCSF refuses, or validating against it proves nothing.
  const hop = () => JSON.parse(JSON.stringify(toOcsfEvent(byId('crm-3-r1'))));
  it.each([
    ['a required class attribute', (r: any) => delete r.api],
    ['a required attribute of an object', (r: any) => delete r.api.operation],
    ['a required attribute deeper down', (r: any) => delete r.metadata.product],
    ['an unknown top-level attribute', (r: any) => (r.on_behalf_of = { uid: 'alice' })],
    ['an unknown attribute of an object', (r: any) => (r.actor.user.issuer = 'x')],
    ['a time in seconds written as text', (r: any) => (r.time = '2026-11-01T09:00:02Z')],
    ['an activity outside the enum', (r: any) => (r.activity_id = 7)],
    ['a type_uid inconsistent with the activity', (r: any) => (r.type_uid = 600303)],
    ['a severity caption that is not its id', (r: any) => (r.severity = 'High')],
    ['an object with none of its at-least-one attributes', (r: any) => (r.actor = {})],
    ['a profile attribute without the profile', (r: any) => (r.metadata.profiles = [])],
  ])('refuses %s', (_, breakIt) => {
    const record = hop();
    expect(schemaErrors(record)).toEqual([]);
    breakIt(record);
    expect(schemaErrors(record)).not.toEqual([]);
  });
});

describe('toOcsfEvent', () => {
  it.each(ALL_EVENTS.map((event) => [`${event.id} (${event.type})`, event] as const))(
    'writes a valid OCSF record for %s',
    (_, event) => {
      const record = toOcsfEvent(event);
      expect(schemaErrors(record)).toEqual([]);
      expect(record.metadata).toMatchObject({
        version: '1.8.0',
        uid: event.uid,
        original_event_uid: event.id,
        tenant_uid: event.tenantid,
        reporter: { uid: event.source, org: { uid: event.tenantid } },
        product: {
          name: 'Provenant',
          vendor_name: 'Provenant',
          version: PRODUCT.version,
        },
      });
      expect(record.time).toBe(Date.parse(event.time));
      expect(record.metadata.logged_time).toBe(Date.parse(RECEIVED_AT));
      expect(record).toMatchObject({ severity_id: 1, severity: 'Informational' });
      expect(record.type_uid).toBe(record.class_uid * 100 + record.activity_id);
      expect(record.unmapped.provenant.event_type).toBe(event.type);
    },
  );

  describe('a hop (provenant.action.performed) as API Activity', () => {
    const event = byId('crm-3-r1');
    const record = toOcsfEvent(event);

    it('puts who acted in actor.user and the tool in actor.app_name', () => {
      expect(record).toMatchObject({
        class_uid: 6003,
        category_uid: 6,
        actor: {
          user: {
            uid: 'agent:support-bot',
            domain: 'https://agents.acme.example',
            org: { uid: 'acme-r1' },
            type_id: 99,
            type: 'Agent',
          },
          app_name: 'crm-lookup',
        },
      });
    });

    it('puts the on-behalf-of subject in unmapped.provenant.on_behalf_of', () => {
      expect(record.unmapped.provenant.on_behalf_of).toEqual({
        uid: 'alice@acme.example',
        issuer: 'https://login.acme.example',
        tenant: 'acme-r1',
        kind: 'human',
      });
    });

    it('keeps the chain: on-behalf-of, actor, then the act claims outermost first', () => {
      const hopWithAct = stored({
        ...event,
        uid: undefined,
        receivedAt: undefined,
        data: {
          ...event.data,
          token: {
            jti: 'tok-tool-r1',
            claims: {
              sub: 'alice@acme.example',
              act: {
                sub: 'tool:crm-lookup',
                iss: 'https://mcp.acme.example',
                act: { sub: 'agent:support-bot' },
              },
            },
          },
        },
      });
      expect(toOcsfEvent(hopWithAct).unmapped.provenant.chain).toEqual([
        {
          role: 'on_behalf_of',
          uid: 'alice@acme.example',
          issuer: 'https://login.acme.example',
          tenant: 'acme-r1',
          kind: 'human',
        },
        {
          role: 'actor',
          uid: 'agent:support-bot',
          issuer: 'https://agents.acme.example',
          tenant: 'acme-r1',
          kind: 'agent',
        },
        { role: 'act', uid: 'tool:crm-lookup', issuer: 'https://mcp.acme.example' },
        { role: 'act', uid: 'agent:support-bot' },
      ]);
    });

    it('links the request, the hop and the trace', () => {
      expect(record.metadata.correlation_uid).toBe('req-crm-r1');
      expect(record).toMatchObject({
        api: { request: { uid: 'h1' }, service: { name: 'crm-mcp' } },
        trace: { uid: '4bf92f3577b34da6a3ce929d0e0e4736' },
        metadata: { profiles: ['trace'] },
      });
    });

    it('names the target tenant, the owning one when the hop names none', () => {
      expect(toOcsfEvent(byId('xt-2-r1')).unmapped.provenant.target_tenant).toBe('acme-r1');
      expect(toOcsfEvent(byId('xt-2-r1')).metadata.tenant_uid).toBe('globex-r1');
      expect(record.unmapped.provenant.target_tenant).toBe('acme-r1');
    });

    it('maps the decision to the status: allow Success, deny Failure with the reason', () => {
      expect(toOcsfEvent(byId('bill-2-r1'))).toMatchObject({ status_id: 1, status: 'Success' });
      expect(toOcsfEvent(byId('bill-3-r1'))).toMatchObject({
        status_id: 2,
        status: 'Failure',
        status_detail: 'scope billing.refund missing',
        activity_id: 1,
        resources: [{ name: 'invoices/5521/refund', role_id: 1 }],
      });
    });

    it('describes the presented token in api.token and keeps it, not a copy, in unmapped', () => {
      const billing = byId('bill-2-r1');
      const mapped = toOcsfEvent(billing);
      expect(mapped).toMatchObject({
        api: { token: { uid: 'tok-console-r1', tenant_uid: 'acme-r1' } },
      });
      if (billing.type !== 'provenant.action.performed') throw new Error('not a hop');
      expect(mapped.unmapped.provenant.token).toBe(billing.data.token);
    });

    it('reads the activity from the verb', () => {
      expect(apiActivityOf('SELECT')).toEqual({ id: 2, caption: 'Read' });
      expect(apiActivityOf('patch')).toEqual({ id: 3, caption: 'Update' });
      expect(apiActivityOf('remove')).toEqual({ id: 4, caption: 'Delete' });
      expect(apiActivityOf(undefined)).toEqual({ id: 0, caption: 'Unknown' });
      expect(toOcsfEvent(byId('vault-2-r1'))).toMatchObject({
        activity_id: 99,
        activity_name: 'execute',
        type_uid: 600399,
        type_name: 'API Activity: Other',
      });
    });
  });

  describe('a token exchange as Authentication: Account Switch', () => {
    const record = toOcsfEvent(byId('crm-2-r1'));

    it('puts the actor in actor.user and the subject in user', () => {
      expect(record).toMatchObject({
        class_uid: 3002,
        activity_id: 7,
        actor: { user: { uid: 'tool:crm-lookup', domain: 'https://mcp.acme.example' } },
        user: { uid: 'alice@acme.example', domain: 'https://login.acme.example', type_id: 1 },
        auth_protocol_id: 6,
        service: { name: 'https://sts.acme.example' },
        status_id: 1,
      });
    });

    it('tells delegation from impersonation by the issued token’s act claim', () => {
      expect(record).toMatchObject({
        account_switch_type_id: 99,
        account_switch_type: 'Delegation',
      });
      const exchange = byId('crm-1-r1');
      if (exchange.type !== 'provenant.token.exchanged') throw new Error('not an exchange');
      const impersonation = stored({
        ...exchange,
        uid: undefined,
        receivedAt: undefined,
        data: {
          ...exchange.data,
          issuedToken: { ...exchange.data.issuedToken, claims: { sub: 'alice@acme.example' } },
        },
      });
      expect(toOcsfEvent(impersonation)).toMatchObject({ account_switch_type_id: 2 });
    });

    it('keeps the chain and the three tokens', () => {
      const provenant = record.unmapped.provenant;
      expect(provenant.chain?.map((link) => [link.role, link.uid])).toEqual([
        ['on_behalf_of', 'alice@acme.example'],
        ['actor', 'tool:crm-lookup'],
        ['act', 'tool:crm-lookup'],
        ['act', 'agent:support-bot'],
      ]);
      expect(provenant.subject_token?.jti).toBe('tok-bot-r1');
      expect(provenant.issued_token?.jti).toBe('tok-tool-r1');
      expect(record).toMatchObject({
        authentication_token: {
          uid: 'tok-tool-r1',
          created_time: Date.parse('2026-11-01T09:00:02Z'),
          expiration_time: Date.parse('2026-11-01T09:05:02Z'),
        },
      });
    });
  });

  it('writes a revocation as Entity Management: Disable of the token', () => {
    const record = toOcsfEvent(revocation);
    expect(record).toMatchObject({
      class_uid: 3004,
      activity_id: 9,
      entity: { uid: 'tok-tool-r1', type_id: 99, type: 'Token', org: { uid: 'acme-r1' } },
      comment: 'session ended by the operator',
      unmapped: { provenant: { revoked_at: '2026-11-01T09:09:59Z' } },
    });
    expect(record.unmapped.provenant.chain?.map((link) => link.uid)).toEqual([
      'alice@acme.example',
      'tool:crm-lookup',
      'agent:support-bot',
    ]);
  });

  it('writes lifecycle changes as Account Change with the principal in user', () => {
    expect(changes.map((change) => toOcsfEvent(change).activity_id)).toEqual([6, 5, 2, 99, 99]);
    expect(toOcsfEvent(changes[0])).toMatchObject({
      class_uid: 3001,
      activity_name: 'Delete',
      user: { uid: 'dave@acme.example', org: { uid: 'acme-r1' } },
      unmapped: { provenant: { change: 'offboarded', effective_at: '2026-11-01T10:00:00Z' } },
    });
    expect(toOcsfEvent(changes[4]).activity_name).toBe('credentials_rotated');
  });

  it('carries the product version it is given', () => {
    const product = ocsfProduct('9.9.9');
    expect(toOcsfEvent(revocation, product).metadata.product).toBe(product);
    expect(toOcsfAnomaly(crossTenant, product).metadata.product.version).toBe('9.9.9');
  });

  it('defaults to the version of the package', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(PROVENANT_OCSF_PRODUCT.version).toBe(version);
  });
});

describe('toOcsfAnomaly', () => {
  it.each(
    VERSIONS.map(
      (anomaly) =>
        [
          `${anomaly.rule} ${anomaly.severity} v${anomaly.version} ${anomaly.verdict} ${anomaly.triage}`,
          anomaly,
        ] as const,
    ),
  )('writes a valid Detection Finding for %s', (_, anomaly) => {
    expect(schemaErrors(toOcsfAnomaly(anomaly))).toEqual([]);
  });

  it('maps the anomaly to finding_info, its id to metadata.uid, its request to correlation_uid', () => {
    expect(toOcsfAnomaly(crossTenant)).toMatchObject({
      class_uid: 2004,
      activity_id: 1,
      type_uid: 200401,
      time: Date.parse(crossTenant.detectedAt),
      metadata: { uid: '7001', correlation_uid: 'req-xt-r1', tenant_uid: 'globex-r1' },
      finding_info: {
        uid: '7001',
        title: 'Cross tenant delegation',
        desc: crossTenant.summary,
        types: ['CROSS_TENANT_DELEGATION'],
        analytic: { name: 'CROSS_TENANT_DELEGATION', type_id: 1 },
      },
      evidences: [{ data: crossTenant.details }],
      unmapped: { provenant: { target_tenant: 'acme-r1' } },
    });
  });

  it('maps the severities LOW, MEDIUM, HIGH, CRITICAL to 2, 3, 4, 5', () => {
    expect(ANOMALIES.slice(1).map((anomaly) => toOcsfAnomaly(anomaly).severity_id)).toEqual([
      2, 3, 4, 5,
    ]);
  });

  it('leaves out what the anomaly does not have', () => {
    const record = JSON.parse(JSON.stringify(toOcsfAnomaly(ANOMALIES[1])));
    expect(record.evidences).toBeUndefined();
    expect(record.metadata.correlation_uid).toBeUndefined();
    expect(record.unmapped.provenant.target_tenant).toBeUndefined();
  });
});
