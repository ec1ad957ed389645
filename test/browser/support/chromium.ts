// Debian's Chromium driven by playwright-core (no browser download): headless, with the
// network features that call home switched off, a fresh profile per launch, and a log of
// everything the pages send — request URLs, headers and bodies, and WebSocket frames — so a
// test can prove what never left the browser.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ROOT } from '../../../tools/infra';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of each main view, kept as the run's artefacts (not committed). */
export const ARTIFACTS = join(ROOT, 'artifacts', 'console');

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface SentRecord {
  what: 'request' | 'websocket';
  url: string;
  text: string;
}

export interface ConsoleBrowser {
  context: BrowserContext;
  /** Everything sent so far, by every page of the context. */
  sent: SentRecord[];
  /** Violations the browser reported of the content security policy. */
  cspViolations: string[];
  newPage: () => Promise<Page>;
  screenshot: (page: Page, name: string) => Promise<void>;
  close: () => Promise<void>;
}

export async function launchConsoleBrowser(): Promise<ConsoleBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'provenant-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(15_000);
  const sent: SentRecord[] = [];
  const cspViolations: string[] = [];
  context.on('request', (request) => {
    sent.push({
      what: 'request',
      url: request.url(),
      text: `${JSON.stringify(request.headers())}\n${request.postData() ?? ''}`,
    });
  });
  const watch = (page: Page) => {
    page.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) =>
        sent.push({ what: 'websocket', url: socket.url(), text: String(payload) }),
      );
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    sent,
    cspViolations,
    newPage: () => context.newPage(),
    screenshot: async (page, name) => {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The data-* attributes of every element a locator matches (type-checked without the DOM library). */
export const datasets = (locator: Locator): Promise<Array<Record<string, string | undefined>>> =>
  locator.evaluateAll((elements) =>
    elements.map((element) => ({
      ...(element as unknown as { dataset: Record<string, string | undefined> }).dataset,
    })),
  );

/** The text of the element `testId` once shown; if the page shows an error instead, that error. */
export async function shown(page: Page, testId: string): Promise<string | null> {
  const target = page.getByTestId(testId);
  const alert = page.getByRole('alert');
  await target.or(alert).first().waitFor();
  if ((await target.count()) === 0)
    throw new Error(`the page shows: ${await alert.first().textContent()}`);
  return target.first().textContent();
}
