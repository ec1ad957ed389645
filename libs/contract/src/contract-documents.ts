// Language-neutral copies of the Kafka contract, derived from the zod schemas so they cannot
// drift: JSON Schemas (draft 2020-12) for the events and an AsyncAPI 3.0 description of the
// topics. The files under docs/contract are generated from here and checked by a unit test.
import { z } from 'zod';
import {
  delegationEventSchema,
  envelopeAttributesSchema,
  EVENT_DATA_SCHEMAS,
  EVENT_TYPES,
} from './envelope.schema';
import { DEFAULT_LIMITS } from './limits';
import { IDENTIFIER_BYTE_LIMITS, tokenClaimsSchema, tokenRefSchema } from './shared.schema';
import { anomalyEventSchema } from './anomaly-message.schema';
import { DEFAULT_ANOMALY_TOPIC, DEFAULT_TOPIC, DLQ_HEADERS, dlqTopicOf } from './topics';

/** A JSON Schema or AsyncAPI fragment: plain JSON, built in the order it is written out. */
export type JsonObject = Record<string, unknown>;

export const SCHEMA_BASE_URI = 'https://provenant.dev/schemas/';
export const EVENT_SCHEMA_FILE = 'delegation-event.schema.json';
export const ANOMALY_SCHEMA_FILE = 'delegation-anomaly.schema.json';
export const dataSchemaFileOf = (type: string): string => `${type}.data.schema.json`;

/** Version of the Kafka contract described here, not of the package that implements it. */
const CONTRACT_VERSION = '0.1.0';
const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
const CLOUDEVENTS_KAFKA_BINDING =
  'https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md';
const KAFKA_BINDING_VERSION = '0.5.0';

interface RefinementNote {
  description: string;
  /** The rule as JSON Schema, when it can be stated there at all. */
  schema?: JsonObject;
}

// Refinements are code, so z.toJSONSchema drops them silently; each one must be restated here
// or the generated schemas would accept what Provenant rejects without saying so.
const REFINEMENT_NOTES = new Map<z.core.$ZodType, RefinementNote>([
  [
    tokenRefSchema,
    {
      description:
        'A token is never sent raw: it is identified by its jti, its fingerprint (sha256 of the raw token) or both. At least one of jti or fingerprint is required.',
      schema: { anyOf: [{ required: ['jti'] }, { required: ['fingerprint'] }] },
    },
  ],
  [
    tokenClaimsSchema,
    {
      description: `Decoded token claims (optional). \`act\` nests as in RFC 8693 §4.1: the outermost \`act\` is the current actor, each nested \`act\` a prior one. The act nesting may be at most ${DEFAULT_LIMITS.maxActDepth} levels deep.`,
    },
  ],
]);

function hasRefinement(schema: z.core.$ZodType): boolean {
  return (schema._zod.def.checks ?? []).some((check) => check._zod.def.check === 'custom');
}

/** Returns `json` with `extra` placed first, so a reader meets the explanation before the detail. */
function withLeading(extra: JsonObject, json: JsonObject): JsonObject {
  return { ...extra, ...json };
}

/** Rewrites `target` in place (z.toJSONSchema's override hook cannot replace the object). */
function replaceContents(target: JsonObject, next: JsonObject): void {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, next);
}

function toJsonSchema(schema: z.ZodType): JsonObject {
  const json: JsonObject = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    // What a producer must send: the shape before any transform or default applies.
    io: 'input',
    // Anything without a JSON Schema form becomes `{}` instead of aborting generation; the
    // refinements that matter are restated through REFINEMENT_NOTES below.
    unrepresentable: 'any',
    // Shared shapes are written out in full at each use, so every file stands alone.
    reused: 'inline',
    cycles: 'throw',
    override: ({ zodSchema, jsonSchema, path }) => {
      if (!hasRefinement(zodSchema)) return;
      const byteLimit = IDENTIFIER_BYTE_LIMITS.get(zodSchema);
      const note: RefinementNote | undefined =
        REFINEMENT_NOTES.get(zodSchema) ??
        (byteLimit === undefined
          ? undefined
          : { description: `At most ${byteLimit} bytes in UTF-8 (an indexed identifier).` });
      if (note === undefined) {
        throw new Error(
          `a refinement at ${path.join('.') || '(root)'} has no JSON Schema note: add one to REFINEMENT_NOTES`,
        );
      }
      replaceContents(
        jsonSchema,
        withLeading(
          note.schema === undefined
            ? {
                description: note.description,
                $comment:
                  'Provenant enforces a rule here that JSON Schema cannot express; see the description.',
              }
            : { description: note.description },
          { ...jsonSchema, ...note.schema },
        ),
      );
    },
  });
  const { $schema: _dialect, ...body } = json;
  return body;
}

function document(file: string, title: string, description: string, body: JsonObject): JsonObject {
  return withLeading(
    { $schema: JSON_SCHEMA_DIALECT, $id: `${SCHEMA_BASE_URI}${file}`, title, description },
    body,
  );
}

const limitsNote =
  `By default a message value may be at most ${DEFAULT_LIMITS.maxEventBytes} bytes, and \`time\`, ` +
  `\`revokedAt\` and \`effectiveAt\` may lie at most ${DEFAULT_LIMITS.maxFutureSkewMs / 1000} seconds in the future.`;

/** The JSON Schemas, by file name: the structured CloudEvent first, then each type's `data`. */
export function buildJsonSchemas(): Record<string, JsonObject> {
  const schemas: Record<string, JsonObject> = {
    [EVENT_SCHEMA_FILE]: document(
      EVENT_SCHEMA_FILE,
      'Provenant delegation event (structured-mode CloudEvent 1.0)',
      'One delegation event as the whole JSON value of a Kafka message (structured content mode). ' +
        '`type` selects the shape of `data`; `tenantid` is the tenant of the gateway that observed the event. ' +
        '`(source, id)` identifies an event: a second delivery of the same pair changes nothing. ' +
        limitsNote,
      toJsonSchema(delegationEventSchema),
    ),
  };
  for (const type of EVENT_TYPES) {
    const file = dataSchemaFileOf(type);
    schemas[file] = document(
      file,
      `${type} data`,
      `The \`data\` of a \`${type}\` event: the value of a binary-mode message, or the \`data\` member of a structured one.`,
      toJsonSchema(EVENT_DATA_SCHEMAS[type]),
    );
  }
  // What the anomaly topic carries, and each line of the NDJSON anomaly export.
  schemas[ANOMALY_SCHEMA_FILE] = { $schema: JSON_SCHEMA_DIALECT, ...anomalySchema };
  return schemas;
}

/** A schema from a standalone file, fit to be inlined: the dialect is the AsyncAPI document's. */
function inlined(schema: JsonObject): JsonObject {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

const componentNameOf = (file: string): string => file.replace(/\.schema\.json$/, '');
const schemaRef = (file: string): JsonObject => ({
  $ref: `#/components/schemas/${componentNameOf(file)}`,
});

/** `ce_*` headers of a binary-mode message, derived from the envelope so they cannot drift. */
function binaryHeadersSchema(): JsonObject {
  const envelope = toJsonSchema(envelopeAttributesSchema);
  const properties: JsonObject = {};
  const attributes = envelope.properties;
  if (typeof attributes === 'object' && attributes !== null) {
    for (const [name, schema] of Object.entries(attributes)) properties[`ce_${name}`] = schema;
  }
  const required = Array.isArray(envelope.required)
    ? envelope.required.map((name) => `ce_${String(name)}`)
    : [];
  return {
    type: 'object',
    description:
      'CloudEvents attributes as Kafka headers (binary content mode). Provenant reads any message whose ' +
      'content-type does not start with `application/cloudevents` this way; producers send `application/json`.',
    properties: {
      ...properties,
      'content-type': { type: 'string', const: 'application/json' },
    },
    required: [...required, 'content-type'],
  };
}

const ANOMALY_RULES = [
  'CROSS_TENANT_DELEGATION',
  'UNTRUSTED_ISSUER',
  'AUDIENCE_MISMATCH',
  'SCOPE_ESCALATION',
  'EXCESSIVE_LIFETIME',
  'USE_AFTER_REVOCATION',
  'ORPHANED_DELEGATION',
  'UNTRACKED_HOP',
  'DELEGATION_DEPTH',
  'SHARED_TOKEN',
  'IMPERSONATION_WITHOUT_MAY_ACT',
  'RAW_CREDENTIAL_IN_EVENT',
];

// The anomaly topic's message, from the same zod schema the publisher and the API use.
const anomalySchema: JsonObject = withLeading(
  {
    $id: `${SCHEMA_BASE_URI}${ANOMALY_SCHEMA_FILE}`,
    title: 'Provenant anomaly (structured-mode CloudEvent 1.0)',
    description:
      'An anomaly Provenant detected in a delegation chain, published once it is stored. Delivery is at least ' +
      `once: deduplicate on \`id\` (the anomaly's id). Rules include ${ANOMALY_RULES.join(', ')}; accept rules added later.`,
  },
  toJsonSchema(anomalyEventSchema),
);

const dlqHeadersSchema: JsonObject = {
  type: 'object',
  description:
    "The original message's headers (raw credentials replaced by fingerprints), plus why and where it came from. " +
    'Dead letters are published at least once: deduplicate on topic, partition and offset.',
  properties: {
    [DLQ_HEADERS.error]: {
      type: 'string',
      description:
        'Why the message was rejected: a code, a colon and a readable reason, e.g. `INVALID_DATA: ...`.',
    },
    [DLQ_HEADERS.code]: { type: 'string', description: 'The code alone, e.g. `INVALID_DATA`.' },
    [DLQ_HEADERS.redacted]: {
      type: 'string',
      enum: ['true'],
      description:
        'Present when raw credentials in the value or the headers were replaced by their fingerprints.',
    },
    [DLQ_HEADERS.topic]: { type: 'string', description: 'The topic the message was read from.' },
    [DLQ_HEADERS.partition]: {
      type: 'string',
      pattern: '^[0-9]+$',
      description: 'Its partition, in decimal.',
    },
    [DLQ_HEADERS.offset]: {
      type: 'string',
      pattern: '^[0-9]+$',
      description: 'Its offset, in decimal.',
    },
  },
  required: [
    DLQ_HEADERS.error,
    DLQ_HEADERS.code,
    DLQ_HEADERS.topic,
    DLQ_HEADERS.partition,
    DLQ_HEADERS.offset,
  ],
};

const requestIdKey: JsonObject = {
  type: 'string',
  description:
    "The event's requestId (`data.requestId`), so one request's events share a partition.",
};

/** The AsyncAPI 3.0 description of Provenant's topics, from Provenant's point of view. */
export function buildAsyncApi(): JsonObject {
  const jsonSchemas = buildJsonSchemas();
  const dataFiles = EVENT_TYPES.map(dataSchemaFileOf);
  const components: JsonObject = {};
  for (const [file, schema] of Object.entries(jsonSchemas))
    components[componentNameOf(file)] = inlined(schema);

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Provenant Kafka interface',
      version: CONTRACT_VERSION,
      description:
        'Gateways produce delegation events (CloudEvents 1.0) to Provenant; Provenant dead-letters the invalid ones ' +
        'and produces the anomalies it detects. Topic names are defaults: `KAFKA_TOPIC` overrides the event topic ' +
        '(and with it the dead-letter topic, `<topic>.dlq`), `KAFKA_ANOMALY_TOPIC` the anomaly topic.',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/json',
    channels: {
      delegationEvents: {
        address: DEFAULT_TOPIC,
        title: 'Delegation events',
        description:
          'Delegation events from gateways, in either CloudEvents content mode. The message key is the requestId, so ' +
          'the events of one request share a partition; they may still arrive in any order. Override with `KAFKA_TOPIC`.',
        messages: {
          structuredEvent: { $ref: '#/components/messages/structuredDelegationEvent' },
          binaryEvent: { $ref: '#/components/messages/binaryDelegationEvent' },
        },
      },
      deadLetters: {
        address: dlqTopicOf(DEFAULT_TOPIC),
        title: 'Dead letters',
        description:
          'Messages Provenant could not accept, with key and value unchanged. A bad message never stops its ' +
          'partition. Always the event topic followed by `.dlq`.',
        messages: { deadLetter: { $ref: '#/components/messages/deadLetter' } },
      },
      anomalies: {
        address: DEFAULT_ANOMALY_TOPIC,
        title: 'Anomalies',
        description: 'Anomalies Provenant detected, as JSON. Override with `KAFKA_ANOMALY_TOPIC`.',
        messages: { anomaly: { $ref: '#/components/messages/anomaly' } },
      },
    },
    operations: {
      receiveDelegationEvents: {
        action: 'receive',
        title: 'Ingest delegation events',
        channel: { $ref: '#/channels/delegationEvents' },
        messages: [
          { $ref: '#/channels/delegationEvents/messages/structuredEvent' },
          { $ref: '#/channels/delegationEvents/messages/binaryEvent' },
        ],
      },
      sendDeadLetters: {
        action: 'send',
        title: 'Dead-letter invalid messages',
        channel: { $ref: '#/channels/deadLetters' },
        messages: [{ $ref: '#/channels/deadLetters/messages/deadLetter' }],
      },
      sendAnomalies: {
        action: 'send',
        title: 'Publish detected anomalies',
        channel: { $ref: '#/channels/anomalies' },
        messages: [{ $ref: '#/channels/anomalies/messages/anomaly' }],
      },
    },
    components: {
      schemas: {
        ...components,
        'delegation-anomaly': anomalySchema,
        'structured-event-headers': {
          type: 'object',
          description: 'Structured content mode: every attribute travels in the value.',
          properties: {
            'content-type': {
              type: 'string',
              description:
                'Starts with `application/cloudevents`, in any letter case; parameters such as `; charset=UTF-8` are allowed.',
              examples: [
                'application/cloudevents+json',
                'application/cloudevents+json; charset=UTF-8',
              ],
            },
          },
          required: ['content-type'],
        },
        'binary-event-headers': binaryHeadersSchema(),
        'dead-letter-headers': dlqHeadersSchema,
      },
      messages: {
        structuredDelegationEvent: {
          name: 'structuredDelegationEvent',
          title: 'Delegation event, structured mode',
          summary: 'The whole CloudEvent as the JSON value.',
          contentType: 'application/cloudevents+json',
          headers: { $ref: '#/components/schemas/structured-event-headers' },
          payload: schemaRef(EVENT_SCHEMA_FILE),
          bindings: { kafka: { key: requestIdKey, bindingVersion: KAFKA_BINDING_VERSION } },
          externalDocs: {
            description: 'CloudEvents Kafka protocol binding',
            url: CLOUDEVENTS_KAFKA_BINDING,
          },
        },
        binaryDelegationEvent: {
          name: 'binaryDelegationEvent',
          title: 'Delegation event, binary mode',
          summary: 'The attributes as `ce_*` headers, the `data` as the JSON value.',
          description: 'The value must match the `data` schema of the type named in `ce_type`.',
          contentType: 'application/json',
          headers: { $ref: '#/components/schemas/binary-event-headers' },
          payload: { oneOf: dataFiles.map(schemaRef) },
          bindings: { kafka: { key: requestIdKey, bindingVersion: KAFKA_BINDING_VERSION } },
          externalDocs: {
            description: 'CloudEvents Kafka protocol binding',
            url: CLOUDEVENTS_KAFKA_BINDING,
          },
        },
        deadLetter: {
          name: 'deadLetter',
          title: 'Dead letter',
          summary: 'A rejected message, unchanged, with the reason in a header.',
          contentType: 'application/octet-stream',
          headers: { $ref: '#/components/schemas/dead-letter-headers' },
          payload: {
            description:
              'The original value, byte for byte; it may be anything, even invalid JSON.',
          },
          bindings: {
            kafka: {
              key: { description: 'The original key, unchanged.' },
              bindingVersion: KAFKA_BINDING_VERSION,
            },
          },
        },
        anomaly: {
          name: 'anomaly',
          title: 'Anomaly',
          contentType: 'application/json',
          payload: { $ref: '#/components/schemas/delegation-anomaly' },
          bindings: {
            kafka: {
              key: {
                type: 'string',
                description: 'The requestId of the anomaly, or its id when it has none.',
              },
              bindingVersion: KAFKA_BINDING_VERSION,
            },
          },
        },
      },
    },
  };
}

const PRINT_WIDTH = 100;

/**
 * JSON text laid out the way the repository's formatter lays it out (objects one member per
 * line, short scalar arrays on one line), so generated files pass the format check unchanged.
 */
export function serializeDocument(value: unknown): string {
  return `${print(value, '', 0)}\n`;
}

/** `used` is the width already taken on the line before the value plus what follows it. */
function print(value: unknown, indent: string, used: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const flat = flatArray(value);
    if (flat !== undefined && indent.length + used + flat.length <= PRINT_WIDTH) return flat;
    const inner = `${indent}  `;
    const items = value.map(
      (item, i) => `${inner}${print(item, inner, i < value.length - 1 ? 1 : 0)}`,
    );
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    const members = entries.map(([key, member], i) => {
      const label = `${JSON.stringify(key)}: `;
      return `${inner}${label}${print(member, inner, label.length + (i < entries.length - 1 ? 1 : 0))}`;
    });
    return `{\n${members.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** The one-line form of an array, or undefined when it holds a non-empty object (always broken). */
function flatArray(value: unknown[]): string | undefined {
  const parts: string[] = [];
  for (const item of value) {
    if (Array.isArray(item)) {
      const nested = item.length === 0 ? '[]' : flatArray(item);
      if (nested === undefined) return undefined;
      parts.push(nested);
    } else if (typeof item === 'object' && item !== null) {
      if (Object.keys(item).length > 0) return undefined;
      parts.push('{}');
    } else {
      parts.push(JSON.stringify(item));
    }
  }
  return `[${parts.join(', ')}]`;
}
