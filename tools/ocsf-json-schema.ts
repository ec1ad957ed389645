// `node tools/bootstrap.mjs tools/ocsf-json-schema.ts <compiled OCSF schema.json>` writes
// libs/export/src/ocsf/ocsf-<version>.schema.json: a JSON Schema (draft 2020-12) of exactly the
// OCSF classes the `ocsf` export emits, which the mapper's tests validate every record against.
//
// The input is the OCSF schema compiled from github.com/ocsf/ocsf-schema (inheritance, includes
// and profiles resolved, as the OCSF server compiles it): `classes` and `objects` with their
// `attributes` (type, object_type, is_array, requirement, enum, sibling, profile, deprecated)
// and `constraints`, and the data `types`. What the output encodes, after the OCSF documentation
// (schema.ocsf.io, "Understanding OCSF"):
// - each class's and each reachable object's attributes, and no other (`additionalProperties:
//   false`; the generic `object`, OCSF's type of `unmapped`, stays open);
// - required attributes, at every level;
// - data types: string, integer, long, timestamp (epoch milliseconds: an integer), float,
//   boolean, json (any value), object, arrays; each type's regex, maximum length and range;
// - enums (ids as integers), and that an enum's sibling caption matches its id (except
//   Other, 99, whose sibling is the source's own label);
// - `type_uid` = `class_uid` × 100 + `activity_id`;
// - the `at_least_one` and `just_one` constraints;
// - profiles: a class's profile attributes only when `metadata.profiles` declares the profile,
//   and then its required ones (inside objects, profile attributes are allowed without that
//   check: a nested schema cannot see `metadata`).
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { format, resolveConfig } from 'prettier';
import {
  OCSF_EMITTED_CLASSES,
  OCSF_VERSION,
  OTHER_ID,
} from '../libs/export/src/ocsf/ocsf-vocabulary';
import { runCli, stderrLine } from './infra/cli';
import { ROOT } from './infra/paths';

interface CompiledAttribute {
  type: string;
  object_type?: string;
  is_array?: boolean;
  requirement?: 'required' | 'recommended' | 'optional';
  enum?: Record<string, string>;
  sibling?: string;
  profile?: string | null;
  deprecated?: string;
}

interface CompiledConstraints {
  at_least_one?: string[];
  just_one?: string[];
}

interface CompiledObject {
  caption: string;
  constraints?: CompiledConstraints;
  attributes: Record<string, CompiledAttribute>;
}

interface CompiledClass extends CompiledObject {
  name: string;
  class_uid: number;
  category_uid: number;
  profiles?: string[];
  activities: Record<string, string>;
}

interface CompiledType {
  base?: string;
  regex?: string;
  max_len?: number;
  range?: [number, number];
}

interface CompiledSchema {
  ocsf_version: string;
  source: { repository: string; ref: string; commit: string; license: string };
  types: Record<string, CompiledType>;
  classes: Record<string, CompiledClass>;
  objects: Record<string, CompiledObject>;
}

type Schema = { [keyword: string]: unknown };

const log = stderrLine('ocsf-json-schema');
const OPEN_OBJECT = 'object';
const objectRef = (name: string): string => `#/$defs/object_${name}`;
const typeRef = (name: string): string => `#/$defs/type_${name}`;
const sorted = <T>(record: Record<string, T>): Array<[string, T]> =>
  Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** The JSON type at the root of an OCSF data type's `base` chain. */
function jsonTypeOf(types: Record<string, CompiledType>, name: string): string | undefined {
  let current = name;
  for (let depth = 0; depth < 16; depth++) {
    const base = types[current]?.base;
    if (base === undefined) break;
    current = base;
  }
  const roots: Record<string, string | undefined> = {
    string_t: 'string',
    integer_t: 'integer',
    long_t: 'integer',
    float_t: 'number',
    boolean_t: 'boolean',
    json_t: undefined,
  };
  if (!(current in roots)) throw new Error(`unknown OCSF data type ${name} (base ${current})`);
  return roots[current];
}

function typeSchema(types: Record<string, CompiledType>, name: string): Schema {
  const type = types[name];
  if (type === undefined) throw new Error(`unknown OCSF data type ${name}`);
  const jsonType = jsonTypeOf(types, name);
  const schema: Schema =
    jsonType === undefined ? { $comment: 'any JSON value' } : { type: jsonType };
  if (type.regex !== undefined) {
    // Validators compile patterns as Unicode regular expressions: a pattern that does not
    // compile so would break the whole schema.
    new RegExp(type.regex, 'u');
    schema.pattern = type.regex;
  }
  if (type.max_len !== undefined) schema.maxLength = type.max_len;
  if (type.range !== undefined) [schema.minimum, schema.maximum] = type.range;
  // OCSF describes url_t as a URL string, an absolute URI.
  if (name === 'url_t') schema.format = 'uri';
  return schema;
}

function attributeSchema(
  types: Record<string, CompiledType>,
  attribute: CompiledAttribute,
): Schema {
  const item: Schema =
    attribute.type === 'object_t'
      ? { $ref: objectRef(attribute.object_type ?? OPEN_OBJECT) }
      : { $ref: typeRef(attribute.type) };
  if (attribute.enum !== undefined) {
    const numeric = jsonTypeOf(types, attribute.type) === 'integer';
    item.enum = Object.keys(attribute.enum).map((key) => (numeric ? Number(key) : key));
  }
  const schema: Schema = attribute.is_array === true ? { type: 'array', items: item } : item;
  if (attribute.deprecated !== undefined) schema.deprecated = true;
  return schema;
}

function constraintSchemas(constraints: CompiledConstraints | undefined): Schema[] {
  const out: Schema[] = [];
  const present = (names: string[]) => names.map((name) => ({ required: [name] }));
  if (constraints?.at_least_one) out.push({ anyOf: present(constraints.at_least_one) });
  if (constraints?.just_one) out.push({ oneOf: present(constraints.just_one) });
  return out;
}

/** An enum id and its sibling caption agree (Other excepted: its caption is the source's). */
function siblingSchemas(
  types: Record<string, CompiledType>,
  attributes: Record<string, CompiledAttribute>,
): Schema[] {
  const out: Schema[] = [];
  for (const [name, attribute] of sorted(attributes)) {
    const sibling = attribute.sibling;
    if (attribute.enum === undefined || sibling === undefined || attribute.is_array === true) {
      continue;
    }
    if (attributes[sibling] === undefined) continue;
    const numeric = jsonTypeOf(types, attribute.type) === 'integer';
    for (const [key, caption] of Object.entries(attribute.enum)) {
      if (name.endsWith('_id') && Number(key) === OTHER_ID) continue;
      out.push({
        if: {
          type: 'object',
          properties: { [name]: { const: numeric ? Number(key) : key } },
          required: [name],
        },
        then: { type: 'object', properties: { [sibling]: { const: caption } } },
      });
    }
  }
  return out;
}

const requiredOf = (attributes: Record<string, CompiledAttribute>): string[] =>
  sorted(attributes)
    .filter(([, attribute]) => attribute.requirement === 'required' && !attribute.profile)
    .map(([name]) => name);

function objectSchema(
  types: Record<string, CompiledType>,
  name: string,
  object: CompiledObject,
): Schema {
  const open = name === OPEN_OBJECT;
  const schema: Schema = {
    title: object.caption,
    type: 'object',
    properties: Object.fromEntries(
      sorted(object.attributes).map(([attribute, spec]) => [
        attribute,
        attributeSchema(types, spec),
      ]),
    ),
    additionalProperties: open,
  };
  const required = requiredOf(object.attributes);
  if (required.length > 0) schema.required = required;
  const allOf = [
    ...constraintSchemas(object.constraints),
    ...siblingSchemas(types, object.attributes),
  ];
  if (allOf.length > 0) schema.allOf = allOf;
  return schema;
}

const declaresProfile = (profile: string): Schema => ({
  type: 'object',
  required: ['metadata'],
  properties: {
    metadata: {
      type: 'object',
      required: ['profiles'],
      properties: { profiles: { type: 'array', contains: { const: profile } } },
    },
  },
});

function classSchema(types: Record<string, CompiledType>, cls: CompiledClass): Schema {
  const schema = objectSchema(types, cls.name, cls);
  schema.title = `${cls.caption} (${cls.class_uid})`;
  const allOf = (schema.allOf as Schema[] | undefined) ?? [];
  for (const [activity] of sorted(cls.activities)) {
    allOf.push({
      if: {
        type: 'object',
        properties: { activity_id: { const: Number(activity) } },
        required: ['activity_id'],
      },
      then: {
        type: 'object',
        properties: { type_uid: { const: cls.class_uid * 100 + Number(activity) } },
      },
    });
  }
  for (const profile of [...(cls.profiles ?? [])].sort()) {
    const attributes = sorted(cls.attributes).filter(([, spec]) => spec.profile === profile);
    if (attributes.length === 0) continue;
    const required = attributes
      .filter(([, spec]) => spec.requirement === 'required')
      .map(([name]) => name);
    allOf.push({
      if: declaresProfile(profile),
      then: required.length > 0 ? { required } : true,
      else: {
        type: 'object',
        properties: Object.fromEntries(attributes.map(([name]) => [name, false])),
      },
    });
  }
  schema.allOf = allOf;
  return schema;
}

/** The objects the classes use, and the objects those use, to the end. */
function reachableObjects(compiled: CompiledSchema, classes: CompiledClass[]): string[] {
  const seen = new Set<string>();
  const pending = classes.flatMap((cls) => Object.values(cls.attributes));
  while (pending.length > 0) {
    const attribute = pending.pop();
    if (attribute?.type !== 'object_t') continue;
    const name = attribute.object_type ?? OPEN_OBJECT;
    if (seen.has(name)) continue;
    const object = compiled.objects[name];
    if (object === undefined) throw new Error(`object ${name} is not in the compiled schema`);
    seen.add(name);
    pending.push(...Object.values(object.attributes));
  }
  return [...seen].sort();
}

function usedTypes(
  compiled: CompiledSchema,
  attributeSets: Array<Record<string, CompiledAttribute>>,
) {
  const names = new Set<string>();
  for (const attributes of attributeSets) {
    for (const attribute of Object.values(attributes)) {
      if (attribute.type !== 'object_t') names.add(attribute.type);
    }
  }
  return [...names].sort();
}

function ocsfJsonSchema(compiled: CompiledSchema): Schema {
  if (compiled.ocsf_version !== OCSF_VERSION) {
    throw new Error(
      `the compiled schema is OCSF ${compiled.ocsf_version}, the export targets ${OCSF_VERSION}`,
    );
  }
  const classes = OCSF_EMITTED_CLASSES.map((emitted) => {
    const cls = compiled.classes[String(emitted.uid)];
    if (cls === undefined) throw new Error(`class ${emitted.uid} is not in the compiled schema`);
    if (cls.caption !== emitted.name) {
      throw new Error(
        `class ${emitted.uid} is "${cls.caption}" in OCSF, "${emitted.name}" in the export`,
      );
    }
    return cls;
  });
  const objects = reachableObjects(compiled, classes);
  const types = usedTypes(compiled, [
    ...classes.map((cls) => cls.attributes),
    ...objects.map((name) => compiled.objects[name].attributes),
  ]);
  const { repository, ref, commit, license } = compiled.source;
  const $defs: Schema = {};
  for (const cls of classes) $defs[`class_${cls.name}`] = classSchema(compiled.types, cls);
  for (const name of objects)
    $defs[`object_${name}`] = objectSchema(compiled.types, name, compiled.objects[name]);
  for (const name of types) $defs[`type_${name}`] = typeSchema(compiled.types, name);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:provenant:ocsf:${OCSF_VERSION}`,
    $comment:
      `Generated by tools/ocsf-json-schema.ts; do not edit. Source: the OCSF schema, ` +
      `${repository.replace(/^https:\/\//, '')} tag ${ref} (commit ${commit}), ` +
      `${license.split(' ')[0]}: its classes, objects, attributes, requirements, data types, ` +
      `enums and constraints, for the classes Provenant's OCSF export emits.`,
    title: `OCSF ${OCSF_VERSION} records of Provenant's export`,
    type: 'object',
    required: ['class_uid'],
    properties: { class_uid: { enum: classes.map((cls) => cls.class_uid) } },
    allOf: classes.map((cls) => ({
      if: {
        type: 'object',
        properties: { class_uid: { const: cls.class_uid } },
        required: ['class_uid'],
      },
      then: { $ref: `#/$defs/class_${cls.name}` },
    })),
    $defs,
  };
}

const OUTPUT = join(ROOT, 'libs', 'export', 'src', 'ocsf', `ocsf-${OCSF_VERSION}.schema.json`);

runCli('ocsf-json-schema', async () => {
  const input = process.argv[2];
  if (input === undefined) {
    process.stderr.write(
      'usage: node tools/bootstrap.mjs tools/ocsf-json-schema.ts <compiled OCSF schema.json>\n',
    );
    return 2;
  }
  const compiled = JSON.parse(readFileSync(input, 'utf8')) as CompiledSchema;
  const schema = ocsfJsonSchema(compiled);
  // Written as the repository's formatter writes JSON, so that the committed file is the output.
  const options = { ...(await resolveConfig(OUTPUT)), filepath: OUTPUT };
  writeFileSync(OUTPUT, await format(JSON.stringify(schema), options));
  const defs = Object.keys(schema.$defs as Schema);
  log(
    `${relative(ROOT, OUTPUT)}: ${OCSF_EMITTED_CLASSES.length} classes, ` +
      `${defs.filter((name) => name.startsWith('object_')).length} objects, ` +
      `${defs.filter((name) => name.startsWith('type_')).length} data types`,
  );
  return 0;
});
