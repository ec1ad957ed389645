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

/** Deterministic shuffles (seeded), so a failing order can be replayed. */
export { shuffled } from '../../tools/infra';
