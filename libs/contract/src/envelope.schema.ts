import { z } from 'zod';
import { identifierSchema } from './shared.schema';
import { ACTION_PERFORMED, actionPerformedDataSchema } from './events/action-performed.schema';
import { PRINCIPAL_CHANGED, principalChangedDataSchema } from './events/principal-changed.schema';
import { TOKEN_EXCHANGED, tokenExchangedDataSchema } from './events/token-exchanged.schema';
import { TOKEN_REVOKED, tokenRevokedDataSchema } from './events/token-revoked.schema';

/** The four event types and the schema of each one's `data`. */
export const EVENT_DATA_SCHEMAS = {
  [TOKEN_EXCHANGED]: tokenExchangedDataSchema,
  [ACTION_PERFORMED]: actionPerformedDataSchema,
  [TOKEN_REVOKED]: tokenRevokedDataSchema,
  [PRINCIPAL_CHANGED]: principalChangedDataSchema,
} as const;
export type EventType = keyof typeof EVENT_DATA_SCHEMAS;
export const EVENT_TYPES = Object.keys(EVENT_DATA_SCHEMAS) as EventType[];

/** W3C trace context `traceparent`: version-traceid-parentid-flags. */
const traceparent = z.string().regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);

/** CloudEvents 1.0 context attributes Provenant requires, plus the `tenantid` extension. */
export const envelopeAttributesSchema = z.object({
  specversion: z.literal('1.0'),
  id: identifierSchema(256),
  // With `id`, the unique key of the ledger: 1,024 + 512 bytes fit a btree entry.
  source: identifierSchema(1024, 1024),
  type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
  time: z.iso.datetime({ offset: true }),
  tenantid: identifierSchema(512),
  traceparent: traceparent.optional(),
  dataschema: z.string().max(1024).optional(),
});
export type EnvelopeAttributes = z.infer<typeof envelopeAttributesSchema>;

type DataOf<T extends EventType> = z.infer<(typeof EVENT_DATA_SCHEMAS)[T]>;

/** A structured-mode CloudEvent as a gateway may produce it (JSON value). */
export const delegationEventSchema = z.discriminatedUnion(
  'type',
  EVENT_TYPES.map((type) =>
    envelopeAttributesSchema.extend({ type: z.literal(type), data: EVENT_DATA_SCHEMAS[type] }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

/** A validated event: the envelope's attributes and the typed `data` of its type. */
export type DelegationEvent = {
  [T in EventType]: Omit<EnvelopeAttributes, 'type'> & { type: T; data: DataOf<T> };
}[EventType];
