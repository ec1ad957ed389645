import { analystStack, CREATE, LIST, REVOKE } from './support/analyst-stack';
import { expectEventually } from './support/eventually';
import { uniqueSuffix } from './support/infra';
import { audienceMismatch, scopeEscalation } from './support/triage-events';

// Suppressions over the real processes: an anomaly they match is still stored, published
// and exported, marked with the suppression, in its history, but kept off the dashboards
// unless asked; expired or revoked ones stop applying; only the admin's own tenants.

describe('suppressions of anomalies', () => {
  const stack = analystStack('suppressions');
  const { auth, ask, send, publishedAnomaly, anomalyOf, exported, watch } = stack;

  it('stores a suppressed anomaly, exports it, and keeps it off the dashboards unless asked', async () => {
    const run = uniqueSuffix();
    const [acme, globex] = [`acme-${run}`, `globex-${run}`];
    const admin = await auth([acme], 'admin');
    const created = await ask(
      CREATE,
      {
        input: {
          tenant: acme,
          rule: 'AUDIENCE_MISMATCH',
          principalId: 'agent:report-bot',
          targetService: 'billing-api',
          reason: 'the report bot is known to call billing with its CRM token',
        },
      },
      admin,
    );
    expect(created.errors).toBeUndefined();
    const suppression = created.data!.createSuppression.suppression as { id: string };
    expect(created.data!.createSuppression.suppression).toMatchObject({
      tenant: acme,
      active: true,
      createdBy: 'test-user',
    });

    const quiet = await watch([acme]);
    const everything = await watch([acme], true);
    const silenced = `req-silenced-${run}`;
    await send([audienceMismatch(acme, silenced)]);
    const silencedId = await publishedAnomaly(silenced, 'AUDIENCE_MISMATCH');
    // Another principal's call is no match: it is alerted on, after the silenced one.
    const loud = `req-loud-${run}`;
    await send([audienceMismatch(acme, loud, 'agent:other-bot')]);
    const loudId = await publishedAnomaly(loud, 'AUDIENCE_MISMATCH');
    await expectEventually(() => {
      expect(everything.received.map((a) => a.id)).toEqual([silencedId, loudId]);
      expect(quiet.received.map((a) => a.id)).toEqual([loudId]);
    });
    expect(everything.received[0].suppressedBy).toBe(suppression.id);

    const [node] = await anomalyOf(acme, silenced, true);
    expect(node).toMatchObject({ id: silencedId, suppressedBy: suppression.id, version: 1 });
    expect(node.history).toEqual([
      expect.objectContaining({ change: 'DETECTED', suppressionId: suppression.id }),
    ]);
    expect(await anomalyOf(acme, silenced, false)).toEqual([]);
    expect((await anomalyOf(acme, loud, false))[0].suppressedBy).toBeNull();
    const lines = await exported(acme);
    expect(lines.find((event) => event.data.id === silencedId)?.data.suppressedBy).toBe(
      suppression.id,
    );

    // Listed for acme's admins only; another tenant's admin can neither see nor revoke it.
    const listed = await ask(LIST, {}, admin);
    expect(listed.data!.suppressions.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(
      [suppression.id],
    );
    const outsider = await auth([globex], 'admin');
    expect((await ask(LIST, { all: true }, outsider)).data!.suppressions.edges).toEqual([]);
    expect(
      (await ask(REVOKE, { id: suppression.id }, outsider)).data!.revokeSuppression,
    ).toBeNull();

    // Revoked, it is kept (audited) and stops applying.
    const revoked = await ask(REVOKE, { id: suppression.id }, admin);
    expect(revoked.data!.revokeSuppression).toEqual({
      id: suppression.id,
      active: false,
      revokedBy: 'test-user',
    });
    expect((await ask(LIST, {}, admin)).data!.suppressions.edges).toEqual([]);
    expect((await ask(LIST, { all: true }, admin)).data!.suppressions.edges).toHaveLength(1);
    const after = `req-after-revoke-${run}`;
    await send([audienceMismatch(acme, after)]);
    const afterId = await publishedAnomaly(after, 'AUDIENCE_MISMATCH');
    await expectEventually(() =>
      expect(quiet.received.map((a) => a.id)).toEqual([loudId, afterId]),
    );
  });

  it('stops applying a suppression once it has expired', async () => {
    const run = uniqueSuffix();
    const acme = `acme-${run}`;
    const expiresAt = new Date(Date.now() + 2000);
    const created = await ask(
      CREATE,
      {
        input: {
          tenant: acme,
          rule: 'AUDIENCE_MISMATCH',
          reason: 'a maintenance window',
          expiresAt,
        },
      },
      await auth([acme], 'admin'),
    );
    expect(created.errors).toBeUndefined();
    await expectEventually(() => expect(Date.now()).toBeGreaterThan(expiresAt.getTime()));
    const dashboard = await watch([acme]);
    const requestId = `req-expired-${run}`;
    await send([audienceMismatch(acme, requestId)]);
    const id = await publishedAnomaly(requestId, 'AUDIENCE_MISMATCH');
    await expectEventually(() => expect(dashboard.received.map((a) => a.id)).toEqual([id]));
    expect((await anomalyOf(acme, requestId))[0].suppressedBy).toBeNull();
    const listed = await ask(LIST, { all: true }, await auth([acme], 'admin'));
    expect(listed.data!.suppressions.edges[0].node.active).toBe(false);
  });

  it('silences the open anomalies that already match when asked, each as a recorded change', async () => {
    const run = uniqueSuffix();
    const acme = `acme-${run}`;
    const requestId = `req-open-${run}`;
    await send([audienceMismatch(acme, requestId)]);
    const id = await publishedAnomaly(requestId, 'AUDIENCE_MISMATCH');
    const quiet = await watch([acme]);
    const everything = await watch([acme], true);
    const created = await ask(
      CREATE,
      {
        input: {
          tenant: acme,
          rule: 'AUDIENCE_MISMATCH',
          issuer: 'https://sts.example',
          reason: 'known',
          applyToOpen: true,
        },
      },
      await auth([acme], 'admin'),
    );
    expect(created.data!.createSuppression.suppressedNow).toBe(1);
    const suppressionId = created.data!.createSuppression.suppression.id as string;
    const [node] = await anomalyOf(acme, requestId);
    expect(node).toMatchObject({ version: 2, suppressedBy: suppressionId });
    expect(node.history[1]).toMatchObject({
      version: 2,
      change: 'SUPPRESSED',
      actor: 'test-user',
      reason: 'known',
      suppressionId,
    });
    // A later anomaly no suppression matches: once the quiet feed has it, nothing before it
    // is pending, so the suppressed change was skipped there.
    const sentinel = `req-sentinel-${run}`;
    await send([scopeEscalation(acme, sentinel)]);
    const sentinelId = await publishedAnomaly(sentinel, 'SCOPE_ESCALATION');
    await expectEventually(() => {
      expect(everything.received.map((a) => [a.id, a.version, a.suppressedBy])).toEqual([
        [id, 2, suppressionId],
        [sentinelId, 1, null],
      ]);
      expect(quiet.received.map((a) => a.id)).toEqual([sentinelId]);
    });
  });
});
