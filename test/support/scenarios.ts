import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_RULES } from '@app/anomalies';

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
    /** One rule name per open anomaly: a rule that fires on two subjects (two hops, two
     *  tokens) is listed twice. A revocation or lifecycle claim counts for the scenario of
     *  the event that made it (such an anomaly has no request). */
    anomalies: string[];
    /** Open anomalies on the story's other requests (a fact of one request can make an
     *  anomaly in another: a token presented in both), by request id. */
    otherRequests?: Record<string, string[]>;
    /** A story that raises nothing: the rule whose abuse it resembles (a near miss). */
    nearMissOf?: string;
    /** The kinds of gap the owner's view shows (none when absent). */
    gaps?: string[];
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

const REQUESTLESS = new Set(EVENT_RULES.map((rule) => rule.rule));

/** The anomalies a scenario expects on its request (a revocation or lifecycle claim has none). */
export const requestAnomalies = (scenario: Scenario): string[] =>
  scenario.expect.anomalies.filter((rule) => !REQUESTLESS.has(rule));

/** Every open anomaly a story expects, on its request, its other requests or none. */
export const allAnomalies = (scenario: Scenario): string[] => [
  ...scenario.expect.anomalies,
  ...Object.values(scenario.expect.otherRequests ?? {}).flat(),
];

/** Deterministic shuffles (seeded), so a failing order can be replayed. */
export { shuffled } from '../../tools/infra';

/** The policy the stories are written against (federation, trust lists, authorities). */
export { scenarioPolicyEnv } from '../../tools/infra';
