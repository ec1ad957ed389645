import { createHash } from 'node:crypto';
import { anomalyRow, openStore, storedRows } from './support/store';
import { newWorld, tokenKeyOf } from './support/world';

// The storing path: what one batch writes, and that writing it again changes nothing (who
// may write which record: event-store-ownership.persistence-spec.ts).
describe('EventStoreRepository', () => {
  const store = openStore();
  afterAll(() => store.close());
  const { hops, token, principals } = storedRows(store);

  describe('storeBatch', () => {
    it('writes an event to the ledger and its rows to the graph, linked by natural keys', async () => {
      const w = newWorld();
      const acme = w.tenant('acme');
      const requestId = w.request('r');
      const alice = w.principal('alice', 'human', { displayName: 'Alice' });
      const agent = w.principal('agent', 'agent');
      const t0 = w.token('t0');
      const t1 = w.token('t1', { scopes: ['crm.read'], audience: ['crm'] });
      // The hop arrives before the exchange that explains its token: order does not matter.
      const hop = w.acted(
        acme,
        {
          requestId,
          hopId: 'h1',
          actor: agent,
          onBehalfOf: alice,
          target: { service: 'crm' },
          token: t1,
        },
        5,
      );
      const exchange = w.exchanged(acme, {
        requestId,
        subject: alice,
        actor: agent,
        subjectToken: t0,
        issuedToken: t1,
      });

      const result = await store.store([hop, exchange]);

      expect(result).toEqual({ stored: [hop, exchange], duplicates: 0, deadLettered: 0 });
      const ledger = await store.sql<{ ce_id: string; type: string; topic: string }>(
        'SELECT ce_id, type, topic FROM events WHERE source = $1 ORDER BY id',
        [`gw://${acme}`],
      );
      expect(ledger).toEqual([
        { ce_id: hop.event.ceId, type: 'provenant.action.performed', topic: w.topic },
        { ce_id: exchange.event.ceId, type: 'provenant.token.exchanged', topic: w.topic },
      ]);
      expect(await principals(acme)).toEqual([
        { tenant: acme, subject: agent.id, kind: 'agent', display_name: null },
        { tenant: acme, subject: alice.id, kind: 'human', display_name: 'Alice' },
      ]);
      expect(await token(acme, tokenKeyOf(t1))).toMatchObject({
        tenant: acme,
        scopes: ['crm.read'],
        parent_key: tokenKeyOf(t0),
        revoked_at: null,
      });
      expect(await hops(requestId)).toEqual([
        { tenant: acme, hop_id: 'h1', actor: agent.id, reporter: acme, event: hop.event.ceId },
      ]);
      const [request] = await store.sql<{ first_seen_at: Date; last_seen_at: Date }>(
        'SELECT first_seen_at, last_seen_at FROM requests WHERE request_id = $1',
        [requestId],
      );
      expect(request).toEqual({
        first_seen_at: new Date(w.at(0)),
        last_seen_at: new Date(w.at(5)),
      });
    });

    it('is idempotent: an event already in the ledger (same source and id) adds nothing', async () => {
      const w = newWorld();
      const acme = w.tenant('acme');
      const requestId = w.request('r');
      const agent = w.principal('agent', 'agent');
      const batch = [
        w.acted(acme, { requestId, hopId: 'h1', actor: agent, target: { service: 'crm' } }),
        w.revoked(acme, w.token('t1'), 1),
      ];
      await store.store(batch);

      const again = await store.store(batch);

      expect(again).toEqual({ stored: [], duplicates: 2, deadLettered: 0 });
      const [counts] = await store.sql<{ events: string; hops: string; tokens: string }>(
        `SELECT (SELECT count(*) FROM events WHERE source = $1) AS events,
                (SELECT count(*) FROM hops WHERE request_id = $2) AS hops,
                (SELECT count(*) FROM tokens WHERE reporter = $3) AS tokens`,
        [`gw://${acme}`, requestId, acme],
      );
      expect(counts).toEqual({ events: '2', hops: '1', tokens: '1' });
    });

    it('stores only the new events of a batch that repeats some', async () => {
      const w = newWorld();
      const acme = w.tenant('acme');
      const old = w.revoked(acme, w.token('t1'));
      await store.store([old]);
      const fresh = w.revoked(acme, w.token('t2'));

      expect(await store.store([old, fresh])).toEqual({
        stored: [fresh],
        duplicates: 1,
        deadLettered: 0,
      });
    });

    it('describes a token the same whatever order its descriptions arrive in: the issuing exchange first, then the earliest event', async () => {
      // Found by the convergence property: a hop describing its token with fewer scopes than
      // the exchange that issued it, stored first, hid the exchange's scopes (and with them
      // SCOPE_ESCALATION) for good; stored after, it did not.
      const stories = await Promise.all(
        [false, true].map(async (hopFirst) => {
          const w = newWorld();
          const acme = w.tenant('acme');
          const requestId = w.request('r');
          const [alice, agent] = [w.principal('alice', 'human'), w.principal('agent', 'agent')];
          const issued = w.token('t1', { scopes: ['crm.read', 'crm.admin'], audience: ['crm'] });
          const exchange = w.exchanged(
            acme,
            {
              requestId,
              subject: alice,
              actor: agent,
              subjectToken: w.token('t0'),
              issuedToken: issued,
            },
            1,
          );
          const seenAt = (minutes: number, scopes: string[]) =>
            w.acted(
              acme,
              {
                requestId,
                hopId: `h${minutes}`,
                actor: agent,
                target: { service: 'crm' },
                token: w.token('t1', { scopes, expiresAt: w.at(minutes + 30) }),
              },
              minutes,
            );
          const batches = [[seenAt(3, ['crm.read'])], [exchange], [seenAt(2, ['crm.write'])]];
          for (const batch of hopFirst ? batches : [...batches].reverse()) await store.store(batch);
          const row = await token(acme, tokenKeyOf(issued));
          return { scopes: row.scopes, expires_at: row.expires_at };
        }),
      );
      // The exchange's scopes; the expiry it did not give, from the earliest hop (minute 2).
      expect(stories[0]).toEqual({
        scopes: ['crm.read', 'crm.admin'],
        expires_at: new Date(Date.UTC(2026, 10, 1, 9, 32)),
      });
      expect(stories[1]).toEqual(stories[0]);
    });

    it('records a dead letter once per source position, with its bytes exactly', async () => {
      const w = newWorld();
      const letter = {
        topic: w.topic,
        partition: 2,
        offset: '41',
        code: 'INVALID_JSON',
        reason: 'not JSON',
        key: Buffer.from([0x00, 0xff, 0x41]),
        value: Buffer.from([0xfe, 0x00, 0x7b]),
        headers: [{ name: Buffer.from([0xc3, 0x28]), value: Buffer.from([0x00]) }],
      };

      expect(await store.store([], [letter])).toEqual({
        stored: [],
        duplicates: 0,
        deadLettered: 1,
      });
      expect(await store.store([], [{ ...letter, reason: 'read again' }])).toEqual({
        stored: [],
        duplicates: 0,
        deadLettered: 0,
      });
      const rows = await store.sql<{
        reason: string;
        key: Buffer;
        value: Buffer;
        headers: unknown;
      }>('SELECT reason, key, value, headers FROM dead_letters WHERE topic = $1', [w.topic]);
      expect(rows).toEqual([
        {
          reason: 'not JSON',
          key: letter.key,
          value: letter.value,
          headers: [[Buffer.from([0xc3, 0x28]).toString('base64'), 'AA==']],
        },
      ]);
    });

    it('writes nothing when the transaction it runs in rolls back', async () => {
      const w = newWorld();
      const acme = w.tenant('acme');
      const requestId = w.request('r');
      const event = w.acted(acme, {
        requestId,
        hopId: 'h1',
        actor: w.principal('agent', 'agent'),
        target: { service: 'crm' },
      });

      await expect(
        store.database.transaction(async (tx) => {
          await store.events.storeBatch(tx, { graphs: [event], deadLetters: [] });
          throw new Error('the rules failed');
        }),
      ).rejects.toThrow('the rules failed');

      expect(await hops(requestId)).toEqual([]);
      expect(await store.store([event])).toMatchObject({ stored: [event], duplicates: 0 });
    });

    it('sends the same number of statements for one event as for fifty', async () => {
      const w = newWorld();
      const acme = w.tenant('acme');
      const batch = (name: string, size: number) =>
        Array.from({ length: size }, (_, i) =>
          w.exchanged(acme, {
            requestId: w.request(`${name}-${i}`),
            subject: w.principal(`user-${i}`, 'human'),
            actor: w.principal('agent', 'agent'),
            subjectToken: w.token(`${name}-s-${i}`),
            issuedToken: w.token(`${name}-i-${i}`),
          }),
        );
      const counted = async (size: number, name: string) => {
        const before = store.statements();
        await store.store(batch(name, size));
        return store.statements() - before;
      };

      expect(await counted(50, 'many')).toBe(await counted(1, 'one'));
    });
  });

  describe('recordVerdicts', () => {
    const anomalies = (ids: string[]) =>
      store.sql<{ id: string; queued: boolean }>(
        `SELECT a.id::text, EXISTS (SELECT 1 FROM anomaly_outbox o WHERE o.anomaly_id = a.id) AS queued
         FROM anomalies a WHERE a.id = ANY($1::bigint[]) ORDER BY a.id`,
        [ids],
      );

    it('stores each anomaly once by its dedupe key and queues it for publishing in the same statement', async () => {
      const w = newWorld();
      const acme = w.tenant('acme');
      const globex = w.tenant('globex');
      const first = anomalyRow(acme, {
        dedupeKey: `k1-${w.run}`,
        targetTenant: globex,
        requestId: w.request('r'),
      });
      const second = anomalyRow(acme, { dedupeKey: `k2-${w.run}`, severity: 'CRITICAL' });

      const before = store.statements();
      const stored = await store.raise([
        first,
        second,
        { ...first, summary: 'again in the batch' },
      ]);
      expect(store.statements() - before).toBe(3); // BEGIN, the insert, COMMIT

      expect(stored).toEqual([
        expect.objectContaining({ ...first, id: expect.any(String), feedSeq: null }),
        expect.objectContaining({ ...second, id: expect.any(String), feedSeq: null }),
      ]);
      expect(stored[0].detectedAt).toBeInstanceOf(Date);
      expect(await anomalies(stored.map((a) => a.id))).toEqual(
        stored.map((a) => ({ id: a.id, queued: true })),
      );
      expect(await store.raise([first, { ...second, summary: 'raised again later' }])).toEqual([]);
    });

    it('stores a dedupe key too long for its index as its sha256, and still dedupes on it', async () => {
      const w = newWorld();
      const longKey = `LONG|${w.run}|${'x'.repeat(600)}`;
      const [stored] = await store.raise([anomalyRow(w.tenant('acme'), { dedupeKey: longKey })]);

      expect(stored.dedupeKey).toBe(`sha256:${createHash('sha256').update(longKey).digest('hex')}`);
      expect(await store.raise([anomalyRow(w.tenant('acme'), { dedupeKey: longKey })])).toEqual([]);
    });

    it('withdraws what the rules no longer find on a request judged again, keeps it, and reopens it when found again', async () => {
      const w = newWorld();
      const acme = w.tenant('acme');
      const request = w.request('r');
      const other = w.request('other');
      const found = (rule: string, requestId: string) =>
        anomalyRow(acme, { rule, dedupeKey: `${rule}|${requestId}|${w.run}`, requestId });
      const orphaned = found('ORPHANED_DELEGATION', request);
      const shared = found('SHARED_TOKEN', request);
      const claim = found('FOREIGN_REVOCATION_CLAIM', request);
      const elsewhere = found('ORPHANED_DELEGATION', other);
      const rules = ['ORPHANED_DELEGATION', 'SHARED_TOKEN'];
      const first = (
        await store.judge([orphaned, shared, claim, elsewhere], [request, other], rules)
      ).find((a) => a.dedupeKey === orphaned.dedupeKey)!;
      await store.sql('DELETE FROM anomaly_outbox');
      const state = (rows: Awaited<ReturnType<typeof store.raise>>) =>
        rows.map((a) => [a.rule, a.requestId === request ? 'r' : 'other', a.verdict, a.version]);

      // Judged again on new facts: ORPHANED_DELEGATION is no longer found on the request.
      const before = store.statements();
      const withdrawn = await store.judge([shared], [request], rules);
      expect(store.statements() - before).toBe(3); // BEGIN, one statement, COMMIT
      expect(state(withdrawn)).toEqual([['ORPHANED_DELEGATION', 'r', 'WITHDRAWN', 2]]);
      expect(withdrawn[0]).toMatchObject({
        id: first.id,
        feedSeq: null,
        verdictReason: expect.stringContaining('no longer show it'),
      });
      // Kept, queued for publishing, its history told; the claim (an event rule) and the
      // other request's anomaly are untouched.
      expect(await anomalies([withdrawn[0].id])).toEqual([{ id: first.id, queued: true }]);
      const verdicts = await store.sql<{ rule: string; request_id: string; verdict: string }>(
        'SELECT rule, request_id, verdict FROM anomalies WHERE dedupe_key LIKE $1 ORDER BY rule, request_id',
        [`%|${w.run}`],
      );
      expect(verdicts).toEqual(
        [
          { rule: 'FOREIGN_REVOCATION_CLAIM', request_id: request, verdict: 'OPEN' },
          { rule: 'ORPHANED_DELEGATION', request_id: other, verdict: 'OPEN' },
          { rule: 'ORPHANED_DELEGATION', request_id: request, verdict: 'WITHDRAWN' },
          { rule: 'SHARED_TOKEN', request_id: request, verdict: 'OPEN' },
        ].sort((a, b) => (a.rule + a.request_id < b.rule + b.request_id ? -1 : 1)),
      );
      // Judged again with the same verdict: nothing changes, nothing is queued.
      expect(await store.judge([shared], [request], rules)).toEqual([]);

      // Found again: reopened, as the same anomaly.
      const reopened = await store.judge([orphaned, shared], [request], rules);
      expect(state(reopened)).toEqual([['ORPHANED_DELEGATION', 'r', 'OPEN', 3]]);
      expect(reopened[0].id).toBe(first.id);
      const history = await store.sql<{ version: number; change: string; actor: string | null }>(
        'SELECT version, change, actor FROM anomaly_changes WHERE anomaly_id = $1 ORDER BY version',
        [first.id],
      );
      expect(history).toEqual([
        { version: 1, change: 'DETECTED', actor: null },
        { version: 2, change: 'WITHDRAWN', actor: null },
        { version: 3, change: 'REOPENED', actor: null },
      ]);
    });

    it('sends nothing for no anomalies', async () => {
      const before = store.statements();
      expect(await store.raise([])).toEqual([]);
      expect(store.statements() - before).toBe(2); // BEGIN, COMMIT: the insert is skipped
    });
  });
});
