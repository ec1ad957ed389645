// The investigator console in a real browser (Debian's Chromium, driven by playwright-core)
// against the real stack: this run's broker and database, an ingestor and an API started
// here, scenario stories replayed through Kafka. What a person does — sign in, search, open
// a request, follow a token, watch the feed, paste a leaked token — and what the page shows
// for it, checked against what the stories say; screenshots of each view are kept.
import { createHash, randomBytes } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { Page } from 'playwright-core';
import { send, type CloudEvent } from '../support/delegation-events';
import { expectEventually } from '../support/eventually';
import { devToken, graphql } from '../support/graphql-client';
import { createTopics, testKafka, uniqueSuffix } from '../support/infra';
import { loadScenario, scenarioPolicyEnv, type Scenario } from '../support/scenarios';
import { startService, stopGracefully, type IngestorProcess } from '../support/service-process';
import { datasets, launchConsoleBrowser, shown, type ConsoleBrowser } from './support/chromium';

const run = `c${uniqueSuffix()}`;
const tenant = `acme-${run}`;
const topic = `console-${run}`;
const escalation = loadScenario('helpdesk-tool-gains-directory-admin', run);
const audience = loadScenario('calendar-token-used-on-mail', run);

/** The jtis a story derives from `root` through its exchanges, root included. */
function derivedJtis(scenario: Scenario, root: string): Set<string> {
  const jtis = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const event of scenario.events) {
      if (event.type !== 'provenant.token.exchanged') continue;
      const data = event.data as { subjectToken: { jti?: string }; issuedToken: { jti?: string } };
      if (data.subjectToken.jti && jtis.has(data.subjectToken.jti) && data.issuedToken.jti) {
        grew ||= !jtis.has(data.issuedToken.jti);
        jtis.add(data.issuedToken.jti);
      }
    }
  }
  return jtis;
}

const actionsUnder = (scenario: Scenario, jtis: Set<string>) =>
  scenario.events.filter(
    (event) =>
      event.type === 'provenant.action.performed' &&
      jtis.has((event.data as { token?: { jti?: string } }).token?.jti ?? ''),
  );

/** A leaked token known to the gateways only by its fingerprint, and one derived from it. */
const leaked = `eyJhbGciOiJFUzI1NiJ9.${randomBytes(24).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
const leakedFingerprint = `sha256:${createHash('sha256').update(leaked, 'utf8').digest('hex')}`;
function leakStory(): CloudEvent[] {
  const requestId = `req-leak-${run}`;
  const human = { id: 'nina@acme.example', issuer: 'https://login.acme.example', kind: 'human' };
  const agent = { id: 'agent:exporter', issuer: 'https://agents.acme.example', kind: 'agent' };
  const child = {
    jti: `leak-child-${run}`,
    issuer: 'https://sts.acme.example',
    scopes: ['crm.read'],
  };
  const envelope = (n: number, type: string, data: Record<string, unknown>): CloudEvent => ({
    specversion: '1.0',
    id: `leak-${n}-${run}`,
    source: 'gw://acme/console-test',
    type,
    time: new Date(Date.UTC(2026, 10, 20, 10, 0, n)).toISOString(),
    tenantid: tenant,
    data,
  });
  return [
    envelope(1, 'provenant.token.exchanged', {
      requestId,
      subject: human,
      actor: agent,
      subjectToken: { fingerprint: leakedFingerprint, scopes: ['crm.read', 'crm.write'] },
      issuedToken: { ...child, expiresAt: '2099-01-01T00:00:00Z' },
    }),
    envelope(2, 'provenant.action.performed', {
      requestId,
      hopId: 'export',
      actor: agent,
      onBehalfOf: human,
      target: { service: 'crm-api', action: 'export', resource: 'contacts' },
      token: { jti: child.jti, issuer: child.issuer },
      decision: 'allow',
    }),
  ];
}

describe('the investigator console in a browser', () => {
  let kafka: Kafka;
  let producer: Producer;
  let ingestor: IngestorProcess | undefined;
  let api: IngestorProcess | undefined;
  let browser: ConsoleBrowser;
  let token: string;
  let base: string;

  const ask = async (query: string, variables: Record<string, unknown>) =>
    graphql(api!.port, query, variables, `Bearer ${token}`);
  const stored = (requestId: string, hops: number) =>
    expectEventually(async () => {
      const answer = await ask(
        'query ($id: ID!) { provenance(requestId: $id) { hops { hopId } } }',
        {
          id: requestId,
        },
      );
      expect(answer.data?.provenance?.hops).toHaveLength(hops);
    });
  const hopsOf = (scenario: Scenario) =>
    scenario.events.filter((e) => e.type === 'provenant.action.performed').length;

  /** A page signed in with `token` (pasted, as a person would). */
  async function signedIn(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${base}/console/`);
    await page.getByTestId('token-input').fill(token);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('signed-in-as').waitFor();
    return page;
  }

  beforeAll(async () => {
    kafka = testKafka();
    await createTopics(kafka, [topic, `${topic}.dlq`, `${topic}-anomalies`]);
    producer = kafka.producer();
    await producer.connect();
    const env = {
      KAFKA_TOPIC: topic,
      KAFKA_ANOMALY_TOPIC: `${topic}-anomalies`,
      KAFKA_GROUP_ID: `ingestor-${topic}`,
      OUTBOX_POLL_MS: '200',
      ...scenarioPolicyEnv([run]),
    };
    [ingestor, api] = await Promise.all([startService('ingestor', env), startService('api', env)]);
    base = `http://127.0.0.1:${api.port}`;
    token = await devToken([tenant], ['investigator', 'dashboard', 'siem']);
    await send(producer, topic, [...escalation.events, ...leakStory()]);
    await Promise.all([
      stored(escalation.requestId, hopsOf(escalation)),
      stored(`req-leak-${run}`, 1),
    ]);
    browser = await launchConsoleBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await producer?.disconnect();
    await stopGracefully(api, ingestor);
  });

  afterEach(() => {
    expect(browser.cspViolations).toEqual([]);
  });

  it('is served under /console with a strict content security policy and no inline script', async () => {
    const response = await fetch(`${base}/console/`);
    expect(response.status).toBe(200);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain(`connect-src 'self' ws://127.0.0.1:${api!.port}`);
    expect(policy).not.toContain('unsafe-inline');
    const html = await response.text();
    expect(html).toMatch(/<script type="module" crossorigin src="\/console\/assets\/[^"]+\.js">/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    // The static files are outside the guard; the API behind them is not.
    expect((await fetch(`${base}/graphql`, { method: 'POST' })).status).not.toBe(200);
  });

  it('signs in with a pasted token and shows who is signed in', async () => {
    const page = await signedIn();
    await expect(page.getByTestId('signed-in-as').textContent()).resolves.toContain(tenant);
    await browser.screenshot(page, 'search');
    await page.close();
  });

  it('signs in, in development, with a tenant and a role picked in one click', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/console/`);
    await page.getByTestId('dev-sign-in').waitFor();
    await expect(
      page
        .locator('#dev-tenants option')
        .evaluateAll((o) => o.map((e) => (e as unknown as { value: string }).value)),
    ).resolves.toContain(tenant);
    await page.getByTestId('dev-tenant').fill(tenant);
    await browser.screenshot(page, 'sign-in');
    await page.getByTestId('dev-role-investigator').click();
    const who = await page.getByTestId('signed-in-as').textContent();
    expect(who).toContain(tenant);
    expect(who).toContain('investigator');
    expect(who).not.toContain('dashboard');
    await page.close();
  });

  it('opens a request by id and draws its chain: nodes in order, kinds, delegation edges, the anomaly, the widened scope', async () => {
    const page = await signedIn();
    await page.getByTestId('request-id-input').fill(escalation.requestId);
    await page.getByTestId('request-open').click();
    expect(await shown(page, 'request-id')).toBe(escalation.requestId);
    await page.getByTestId('chain-node').first().waitFor();

    const nodes = await datasets(page.getByTestId('chain-node'));
    const chain = nodes
      .filter((n) => n.position !== '')
      .sort((a, b) => Number(a.position) - Number(b.position));
    expect(chain.map((n) => n.principalId)).toEqual(escalation.expect.chain);
    const kindOf = (id: string) => {
      const event = escalation.events.find(
        (e) =>
          (e.data as { actor?: { id: string } }).actor?.id === id ||
          (e.data as { subject?: { id: string } }).subject?.id === id,
      )!.data as { actor: { id: string; kind: string }; subject: { id: string; kind: string } };
      return (event.actor.id === id ? event.actor : event.subject).kind.toUpperCase();
    };
    for (const node of chain) expect(node.kind).toBe(kindOf(node.principalId!));
    // Each service a hop called is drawn too.
    const services = new Set(
      escalation.events.flatMap((e) =>
        e.type === 'provenant.action.performed'
          ? [(e.data as { target: { service: string } }).target.service]
          : [],
      ),
    );
    expect(
      new Set(
        nodes
          .filter((n) => n.kind === 'TARGET')
          .map((n) => n.principalId === '' && n.nodeId!.split('|').pop()),
      ),
    ).toEqual(services);

    // One delegation edge from each link of the chain to the next, drawn by React Flow.
    for (let i = 1; i < chain.length; i++) {
      const edge = page.locator(
        `[data-testid="rf__edge-d:${chain[i - 1].nodeId}->${chain[i].nodeId}"]`,
      );
      await expect(edge.count()).resolves.toBe(1);
    }
    await expect(page.locator('[data-testid^="rf__edge-d:"]').count()).resolves.toBe(
      chain.length - 1,
    );

    // The anomaly sits on a node it concerns, with its severity, and in the list.
    await expect(
      datasets(page.getByTestId('request-anomaly')).then((all) => all.map((d) => d.rule)),
    ).resolves.toEqual(escalation.expect.anomalies);
    expect(nodes.filter((n) => n.severity).length).toBeGreaterThan(0);

    // The token that gained a scope its parent lacked is the one marked widened.
    const lineage = (await datasets(page.getByTestId('lineage-token'))).map((d) => ({
      key: d.tokenKey,
      widened: d.widened,
    }));
    expect(lineage.filter((t) => t.widened === 'true').map((t) => t.key)).toEqual([
      `jti:https://sts.acme.example#hda-tool-${run}`,
    ]);
    await expect(page.getByTestId('hop').count()).resolves.toBe(hopsOf(escalation));
    await browser.screenshot(page, 'request');
    await page.click('[data-testid="theme-toggle"]');
    await browser.screenshot(page, 'request-dark');
    await page.close();
  });

  it('follows a token to its blast radius: every derived token with its validity, every action under them', async () => {
    const page = await signedIn();
    await page.goto(`${base}/console/#/request/${encodeURIComponent(escalation.requestId)}`);
    const root = `jti:https://login.acme.example#hda-user-${run}`;
    await page
      .locator(`[data-testid="lineage-token"] a[href*="${encodeURIComponent(`hda-user-${run}`)}"]`)
      .first()
      .click();
    expect(await shown(page, 'blast-root')).toBe(root);

    const jtis = derivedJtis(escalation, `hda-user-${run}`);
    const keys = (await datasets(page.getByTestId('blast-token'))).map((d) => d.tokenKey!);
    expect(new Set(keys.map((k) => k.split('#').pop()))).toEqual(jtis);
    const validity = await page.getByTestId('validity').allTextContents();
    // The story's tokens expired in 2026: none is shown as still valid.
    expect(validity.every((v) => /expired|revoked/.test(v))).toBe(true);
    const actions = await page.getByTestId('blast-action').count();
    expect(actions).toBe(actionsUnder(escalation, jtis).length);
    await browser.screenshot(page, 'token-blast-radius');
    await page.close();
  });

  it('finds a token by jti and issuer, and by fingerprint', async () => {
    const page = await signedIn();
    await page.getByTestId('mode-token').click();
    await page.getByTestId('token-jti').fill(`hda-agent-${run}`);
    await page.getByTestId('token-issuer').fill('https://sts.acme.example');
    await page.getByTestId('token-jti-search').click();
    expect(await shown(page, 'blast-root')).toBe(`jti:https://sts.acme.example#hda-agent-${run}`);

    await page.goto(`${base}/console/#/search?mode=token`);
    await page.getByTestId('token-fingerprint').fill(leakedFingerprint);
    await page.getByTestId('token-fingerprint-search').click();
    expect(await shown(page, 'blast-root')).toBe(`fp:${leakedFingerprint}`);
    await page.close();
  });

  it('finds a leaked token from its raw value, which never leaves the browser', async () => {
    const page = await signedIn();
    await page.getByTestId('mode-token').click();
    await page.getByTestId('token-raw').fill(`Bearer ${leaked}`);
    await page.getByTestId('token-raw-search').click();
    expect(await shown(page, 'blast-root')).toBe(`fp:${leakedFingerprint}`);
    await expect(page.getByTestId('blast-token').count()).resolves.toBe(2);
    await expect(page.getByTestId('blast-action').count()).resolves.toBe(1);
    await expect(page.getByTestId('token-raw').count()).resolves.toBe(0);

    // The fingerprint was asked for; the token itself, in any spelling, never was.
    const everything = browser.sent.map((s) => `${s.url}\n${s.text}`).join('\n');
    expect(everything).toContain(leakedFingerprint);
    for (const spelling of [leaked, encodeURIComponent(leaked), leaked.split('.')[2]])
      expect(everything).not.toContain(spelling);
    await page.close();
  });

  it('searches requests by target service and time window, and principals by part of their id', async () => {
    const page = await signedIn();
    const hasSearch = (
      await ask('{ __type(name: "Query") { fields { name } } }', {})
    ).data?.__type.fields.some((f: { name: string }) => f.name === 'requests');
    await page.getByTestId('mode-requests').click();
    await page.getByTestId('request-target').fill('directory-api');
    await page.getByTestId('request-since').fill('2026-11-06T00:00');
    await page.getByTestId('request-until').fill('2026-11-07T00:00');
    await page.getByTestId('request-search').click();
    if (!hasSearch) {
      // An API without the search says so, instead of showing an empty result.
      await expect(page.getByRole('alert').textContent()).resolves.toBe(
        'This API has no request search.',
      );
      await page.close();
      return;
    }
    await page.getByTestId('request-results').waitFor();
    await expect(
      datasets(page.getByTestId('request-result')).then((all) => all.map((d) => d.requestId)),
    ).resolves.toEqual([escalation.requestId]);
    await page.getByTestId('mode-principal').click();
    await page.getByTestId('principal-text').fill('it-help');
    await page.getByTestId('principal-tenant').fill(tenant);
    await page.getByTestId('principal-search').click();
    await page.getByTestId('principal-results').waitFor();
    await expect(page.getByTestId('principal-result').allTextContents()).resolves.toEqual([
      expect.stringContaining('agent:it-helper'),
    ]);
    await page.close();
  });

  it('shows an anomaly live as it is detected, and opens its request', async () => {
    const page = await signedIn();
    await page.getByTestId('nav-live').click();
    await page
      .getByTestId('feed-status')
      .filter({ hasText: /^live$/ })
      .waitFor();
    await send(producer, topic, audience.events);
    const item = page.locator(
      `[data-testid="feed-anomaly"][data-request-id="${audience.requestId}"]`,
    );
    await item.first().waitFor({ timeout: 60_000 });
    await expect(item.first().getAttribute('data-rule')).resolves.toBe(
      audience.expect.anomalies[0],
    );
    await browser.screenshot(page, 'live-feed');
    await item.first().locator('a').click();
    expect(await shown(page, 'request-id')).toBe(audience.requestId);
    await page.close();
  });
});
