import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Scenario {
  name: string;
  story: string;
  requestId: string;
  events: Array<Record<string, unknown> & { id: string; data: Record<string, unknown> }>;
  expect: {
    origin: string;
    chain: string[];
    hops: Array<{ hopId: string; parentHopId: string | null }>;
    tokens: Record<string, string>;
    anomalies: string[];
    complete: boolean;
    visibleTo: string[];
    hiddenFrom: string[];
    rawSecret?: string;
  };
}

export const SCENARIO_DIR = join(__dirname, '..', 'scenarios');
export const scenarioNames = (): string[] =>
  readdirSync(SCENARIO_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.replace(/\.json$/, ''))
    .sort();

/** A scenario with `{run}` replaced, so each test has its own tenants, tokens and requests. */
export function loadScenario(name: string, run: string): Scenario {
  const text = readFileSync(join(SCENARIO_DIR, `${name}.json`), 'utf8').replaceAll('{run}', run);
  return { name, ...(JSON.parse(text) as Omit<Scenario, 'name'>) };
}

/** Deterministic Fisher-Yates shuffle (mulberry32), so a failing order can be replayed. */
export function shuffled<T>(items: T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
