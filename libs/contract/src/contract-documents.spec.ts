// Keeps docs/contract in step with the zod schemas (UPDATE_CONTRACT_DOCS=1 rewrites it), and
// checks the generated JSON Schema against the scenario events the end-to-end tests send.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  buildAsyncApi,
  buildJsonSchemas,
  EVENT_SCHEMA_FILE,
  serializeDocument,
  type JsonObject,
} from './contract-documents';
import { delegationEventSchema, EVENT_TYPES } from './envelope.schema';
import { TOKEN_EXCHANGED } from './events/token-exchanged.schema';

const ROOT = resolve(__dirname, '../../..');
const DOCS_DIR = join(ROOT, 'docs', 'contract');
const SCHEMAS_DIR = join(DOCS_DIR, 'schemas');
const SCENARIOS_DIR = join(ROOT, 'test', 'scenarios');
const UPDATE = process.env.UPDATE_CONTRACT_DOCS === '1';
const REGENERATE = 'run `npm run contract:generate`';

/** Generated text by path relative to docs/contract. */
function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [file, schema] of Object.entries(buildJsonSchemas())) {
    files.set(`schemas/${file}`, serializeDocument(schema));
  }
  files.set('asyncapi.json', serializeDocument(buildAsyncApi()));
  return files;
}

function firstDifferentLine(actual: string, expected: string): number {
  const a = actual.split('\n');
  const b = expected.split('\n');
  let line = 0;
  while (line < a.length && line < b.length && a[line] === b[line]) line += 1;
  return line + 1;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  'title',
  'description',
  '$comment',
  'examples',
  'format',
]);

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      throw new Error(`unsupported type ${type}`);
  }
}

/**
 * Errors of `value` against `schema`, for the subset of JSON Schema 2020-12 the generator
 * emits. No full validator is a dependency of the project; an unknown keyword throws, so this
 * can never pass a schema by skipping what it does not understand.
 */
function validate(schema: unknown, value: unknown, path = '$'): string[] {
  if (schema === true || (isObject(schema) && Object.keys(schema).length === 0)) return [];
  if (!isObject(schema)) throw new Error(`unsupported schema at ${path}`);
  const errors: string[] = [];
  for (const [keyword, rule] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    switch (keyword) {
      case 'type': {
        const types = Array.isArray(rule) ? rule.map(String) : [String(rule)];
        if (!types.some((type) => typeMatches(type, value)))
          errors.push(`${path}: not of type ${types.join('|')}`);
        break;
      }
      case 'const':
        if (value !== rule) errors.push(`${path}: not ${JSON.stringify(rule)}`);
        break;
      case 'enum':
        if (!Array.isArray(rule) || !rule.includes(value))
          errors.push(`${path}: not one of the enum`);
        break;
      case 'minLength':
        if (typeof value === 'string' && [...value].length < Number(rule))
          errors.push(`${path}: too short`);
        break;
      case 'maxLength':
        if (typeof value === 'string' && [...value].length > Number(rule))
          errors.push(`${path}: too long`);
        break;
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(String(rule), 'u').test(value)) {
          errors.push(`${path}: does not match ${String(rule)}`);
        }
        break;
      case 'maxItems':
        if (Array.isArray(value) && value.length > Number(rule))
          errors.push(`${path}: too many items`);
        break;
      case 'items':
        if (Array.isArray(value))
          value.forEach((item, i) => errors.push(...validate(rule, item, `${path}[${i}]`)));
        break;
      case 'required':
        if (isObject(value) && Array.isArray(rule)) {
          for (const name of rule)
            if (!(String(name) in value)) errors.push(`${path}: ${String(name)} is required`);
        }
        break;
      case 'properties':
        if (isObject(value) && isObject(rule)) {
          for (const [name, member] of Object.entries(value)) {
            if (name in rule) errors.push(...validate(rule[name], member, `${path}.${name}`));
          }
        }
        break;
      case 'additionalProperties':
        if (isObject(value)) {
          const declared = isObject(schema.properties) ? schema.properties : {};
          for (const [name, member] of Object.entries(value)) {
            if (!(name in declared)) errors.push(...validate(rule, member, `${path}.${name}`));
          }
        }
        break;
      case 'propertyNames':
        if (isObject(value))
          for (const name of Object.keys(value))
            errors.push(...validate(rule, name, `${path}{${name}}`));
        break;
      case 'anyOf':
      case 'oneOf': {
        const branches = Array.isArray(rule) ? rule : [];
        const passing = branches.filter(
          (branch) => validate(branch, value, path).length === 0,
        ).length;
        if (keyword === 'anyOf' ? passing === 0 : passing !== 1) {
          errors.push(`${path}: ${passing} of the ${keyword} branches match`);
        }
        break;
      }
      default:
        throw new Error(`unsupported keyword ${keyword} at ${path}`);
    }
  }
  return errors;
}

interface ScenarioEvent {
  name: string;
  event: unknown;
}

function scenarioEvents(): ScenarioEvent[] {
  const events: ScenarioEvent[] = [];
  for (const file of readdirSync(SCENARIOS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const scenario: unknown = JSON.parse(
      readFileSync(join(SCENARIOS_DIR, file), 'utf8').replaceAll('{run}', 'x'),
    );
    const list = isObject(scenario) && Array.isArray(scenario.events) ? scenario.events : [];
    list.forEach((event: unknown, i) => {
      const type = isObject(event) ? String(event.type) : '?';
      events.push({ name: `${file} #${i + 1} (${type})`, event });
    });
  }
  return events;
}

const eventSchema = buildJsonSchemas()[EVENT_SCHEMA_FILE];

function branches(schema: JsonObject): JsonObject[] {
  return Array.isArray(schema.oneOf) ? schema.oneOf.filter(isObject) : [];
}

describe('generated contract documents', () => {
  const files = generatedFiles();

  it.each([...files.keys()])('docs/contract/%s is up to date', (relative) => {
    const path = join(DOCS_DIR, relative);
    const expected = files.get(relative) ?? '';
    if (UPDATE) {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, expected);
      return;
    }
    if (!existsSync(path)) throw new Error(`docs/contract/${relative} is missing: ${REGENERATE}`);
    const actual = readFileSync(path, 'utf8');
    if (actual !== expected) {
      throw new Error(
        `docs/contract/${relative} differs from the zod schemas from line ${firstDifferentLine(actual, expected)}: ${REGENERATE}`,
      );
    }
  });

  it('leaves no schema file behind that is no longer generated', () => {
    const current = existsSync(SCHEMAS_DIR) ? readdirSync(SCHEMAS_DIR) : [];
    const stale = current.filter((name) => !files.has(`schemas/${name}`));
    if (UPDATE) {
      for (const name of stale) rmSync(join(SCHEMAS_DIR, name));
      return;
    }
    if (stale.length > 0)
      throw new Error(`docs/contract/schemas/${stale.join(', ')} is stale: ${REGENERATE}`);
  });

  it('is deterministic and serializes to the same JSON it was built from', () => {
    expect(generatedFiles()).toEqual(files);
    expect(JSON.parse(serializeDocument(buildAsyncApi()))).toEqual(buildAsyncApi());
  });

  it('resolves every local $ref of the AsyncAPI document', () => {
    const document = buildAsyncApi();
    const refs: string[] = [];
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (isObject(node)) {
        if (typeof node.$ref === 'string') refs.push(node.$ref);
        Object.values(node).forEach(collect);
      }
    };
    collect(document);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const target = ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((node, segment) => (isObject(node) ? node[segment] : undefined), document);
      expect({ ref, resolved: target !== undefined }).toEqual({ ref, resolved: true });
    }
  });
});

describe('delegation-event.schema.json', () => {
  it('is a union on type with one branch per event type', () => {
    const types = branches(eventSchema).map((branch) => {
      const properties = isObject(branch.properties) ? branch.properties : {};
      return isObject(properties.type) ? properties.type.const : undefined;
    });
    expect(types).toEqual(EVENT_TYPES);
  });

  it('requires the CloudEvents attributes and the tenantid extension', () => {
    for (const branch of branches(eventSchema)) {
      expect(branch.required).toEqual(
        expect.arrayContaining(['specversion', 'id', 'source', 'type', 'time', 'tenantid', 'data']),
      );
    }
  });

  describe.each(scenarioEvents())('accepts the scenario event $name', ({ event }) => {
    it('through zod', () => {
      const parsed = delegationEventSchema.safeParse(event);
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    });

    it('through the generated JSON Schema', () => {
      expect(validate(eventSchema, event)).toEqual([]);
    });
  });

  // Each case breaks one rule of a valid event; zod and the JSON Schema must both refuse it.
  const first = scenarioEvents().find(
    ({ event }) => isObject(event) && event.type === TOKEN_EXCHANGED,
  );
  const broken: Array<[string, (event: Record<string, unknown>) => void]> = [
    ['without tenantid', (event) => delete event.tenantid],
    ['of an unknown type', (event) => (event.type = 'provenant.token.minted')],
    ['with specversion 0.3', (event) => (event.specversion = '0.3')],
    ['with a time lacking its offset', (event) => (event.time = '2026-11-01T09:00:01')],
    [
      'with a token that has neither jti nor fingerprint',
      (event) => {
        const data = isObject(event.data) ? event.data : {};
        data.issuedToken = { issuer: 'https://sts.acme.example' };
      },
    ],
  ];

  it.each(broken)('rejects an event %s', (_label, breakIt) => {
    const event: unknown = structuredClone(first?.event);
    if (!isObject(event)) throw new Error('no token-exchange scenario event to start from');
    expect(delegationEventSchema.safeParse(event).success).toBe(true);
    expect(validate(eventSchema, event)).toEqual([]);
    breakIt(event);
    expect(delegationEventSchema.safeParse(event).success).toBe(false);
    expect(validate(eventSchema, event)).not.toEqual([]);
  });
});
