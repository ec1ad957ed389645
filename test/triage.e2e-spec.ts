import { ANOMALY_UPDATED, anomalyEventSchema } from '@app/contract';
import { analystStack, CREATE, TRIAGE } from './support/analyst-stack';
import { expectEventually } from './support/eventually';
import { uniqueSuffix } from './support/infra';
import { audienceMismatch, scopeEscalation, useAfterRevocation } from './support/triage-events';

// Analysts working the queue over the real processes: a triage is a change like a verdict
// (history, anomaly topic, live feed, export); each tenant's analysts and admins act on
// their own anomalies only; what each rule recorded is shown typed.

describe('triage of anomalies', () => {
  const stack = analystStack('triage');
  const { auth, ask, send, publishedAnomaly, anomalyOf, exported, watch } = stack;

  it('records a triage as a new version: in the history, on the topic, in the live feed and in the export', async () => {
    const run = uniqueSuffix();
    const acme = `acme-${run}`;
    const requestId = `req-triage-${run}`;
    const dashboard = await watch([acme]);
    await send([audienceMismatch(acme, requestId)]);
    const id = await publishedAnomaly(requestId, 'AUDIENCE_MISMATCH');
    await expectEventually(() => expect(dashboard.received.map((a) => a.id)).toEqual([id]));

    const investigator = await auth([acme], 'investigator');
    const triaged = await ask(
      TRIAGE,
      { id, triage: 'ACKNOWLEDGED', note: 'looking into it' },
      investigator,
    );
    expect(triaged.errors).toBeUndefined();
    expect(triaged.data!.triageAnomaly).toEqual({ id, triage: 'ACKNOWLEDGED', version: 2 });
    // The same decision again changes nothing.
    const again = await ask(TRIAGE, { id, triage: 'ACKNOWLEDGED' }, investigator);
    expect(again.data!.triageAnomaly).toEqual({ id, triage: 'ACKNOWLEDGED', version: 2 });

    const [node] = await anomalyOf(acme, requestId);
    expect(node.history).toEqual([
      expect.objectContaining({ version: 1, change: 'DETECTED', actor: null }),
      expect.objectContaining({
        version: 2,
        change: 'ACKNOWLEDGED',
        actor: 'test-user',
        reason: 'looking into it',
      }),
    ]);
    await expectEventually(() =>
      expect(dashboard.received.map((a) => [a.id, a.version, a.triage])).toEqual([
        [id, 1, 'NEW'],
        [id, 2, 'ACKNOWLEDGED'],
      ]),
    );
    await expectEventually(() => {
      const updates = stack
        .published()
        .map((message) => anomalyEventSchema.parse(JSON.parse(message.value!.toString('utf8'))))
        .filter((event) => event.data.id === id && event.type === ANOMALY_UPDATED);
      expect(updates.map((event) => [event.id, event.data.triage])).toEqual([
        [`${id}.2`, 'ACKNOWLEDGED'],
      ]);
    });
    const lines = await exported(acme);
    expect(lines.filter((event) => event.data.id === id).map((e) => e.data.version)).toEqual([2]);
    expect(lines.find((event) => event.data.id === id)!.data.triage).toBe('ACKNOWLEDGED');
  });

  it("lets no other tenant's investigator triage or read an anomaly, nor its admin suppress it", async () => {
    const run = uniqueSuffix();
    const [acme, globex] = [`acme-${run}`, `globex-${run}`];
    const requestId = `req-foreign-${run}`;
    await send([audienceMismatch(acme, requestId)]);
    const id = await publishedAnomaly(requestId, 'AUDIENCE_MISMATCH');

    const outsider = await auth([globex], 'investigator');
    const triage = await ask(TRIAGE, { id, triage: 'RESOLVED', note: 'not ours' }, outsider);
    expect(triage.errors).toBeUndefined();
    expect(triage.data!.triageAnomaly).toBeNull();
    expect(await anomalyOf(globex, requestId)).toEqual([]);
    const provenance = await ask(
      'query ($r: ID!) { provenance(requestId: $r) { requestId anomalies { id } } }',
      { r: requestId },
      outsider,
    );
    expect(provenance.data!.provenance).toBeNull();

    const admin = await auth([globex], 'admin');
    for (const input of [
      { tenant: acme, rule: 'AUDIENCE_MISMATCH', reason: 'hide it' },
      { tenant: globex, targetTenant: acme, rule: 'AUDIENCE_MISMATCH', reason: 'hide it' },
    ]) {
      const refused = await ask(CREATE, { input }, admin);
      expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    // Its own tenant's suppression, applied to open anomalies, reaches none of acme's.
    const own = await ask(
      CREATE,
      { input: { tenant: globex, rule: 'AUDIENCE_MISMATCH', reason: 'ours', applyToOpen: true } },
      admin,
    );
    expect(own.data!.createSuppression.suppressedNow).toBe(0);

    const [node] = await anomalyOf(acme, requestId);
    expect(node).toMatchObject({ id, triage: 'NEW', version: 1, suppressedBy: null });
    expect(node.history.map((entry) => entry.change)).toEqual(['DETECTED']);
  });

  it('refuses an unstorable or overlong note, or a suppression without a reason', async () => {
    const run = uniqueSuffix();
    const acme = `acme-${run}`;
    const requestId = `req-note-${run}`;
    await send([audienceMismatch(acme, requestId)]);
    const id = await publishedAnomaly(requestId, 'AUDIENCE_MISMATCH');
    const investigator = await auth([acme], 'investigator');
    for (const note of ['x'.repeat(2001), 'bad \ud800 text']) {
      const refused = await ask(TRIAGE, { id, triage: 'RESOLVED', note }, investigator);
      expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.message).not.toContain(note);
    }
    const noReason = await ask(
      CREATE,
      { input: { tenant: acme, rule: 'AUDIENCE_MISMATCH', reason: '  ' } },
      await auth([acme], 'admin'),
    );
    expect(noReason.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await anomalyOf(acme, requestId))[0].version).toBe(1);
  });

  it('shows each rule’s details as typed fields', async () => {
    const run = uniqueSuffix();
    const acme = `acme-${run}`;
    const [audience, scope, revoked] = ['aud', 'scope', 'rev'].map((n) => `req-${n}-${run}`);
    await send([
      audienceMismatch(acme, audience),
      scopeEscalation(acme, scope),
      ...useAfterRevocation(acme, revoked),
    ]);
    await publishedAnomaly(audience, 'AUDIENCE_MISMATCH');
    await publishedAnomaly(scope, 'SCOPE_ESCALATION');
    await publishedAnomaly(revoked, 'USE_AFTER_REVOCATION');

    const [mismatch] = await anomalyOf(acme, audience);
    expect(mismatch.details).toMatchObject({
      hopId: 'h1',
      offendingToken: `jti:https://sts.example#tok-${audience}`,
      principal: 'agent:report-bot',
      principalIssuer: 'https://agents.example',
      issuer: 'https://sts.example',
      targetService: 'billing-api',
      tokenAudience: ['crm-api'],
      addedScopes: null,
    });
    expect(JSON.parse(mismatch.details.raw as string)).toMatchObject({ service: 'billing-api' });
    const [escalation] = await anomalyOf(acme, scope);
    expect(escalation.details).toMatchObject({
      addedScopes: ['crm.admin'],
      offendingToken: `jti:https://sts.example#child-${scope}`,
      parentToken: `jti:https://login.example#parent-${scope}`,
      principal: 'agent:greedy',
    });
    const [late] = (await anomalyOf(acme, revoked)).filter(
      (a) => a.rule === 'USE_AFTER_REVOCATION',
    );
    expect(late.details).toMatchObject({
      revoked: true,
      revokedAt: '2026-11-01T10:00:00.000Z',
      offendingToken: `jti:https://sts.example#revoked-${revoked}`,
    });
  });
});
