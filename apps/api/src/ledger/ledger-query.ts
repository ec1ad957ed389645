import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';

// Sizes and indexes stay below 2^53 (exact as numbers); anything else is refused, named.
const count = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/)
  .transform(Number);

/** `leaf`: a leaf index (`42`) or the store's id of an event (`event:1234`, its `provenantuid`). */
const leafSchema = z.union([
  count.transform((leafIndex) => ({ leafIndex })),
  z
    .string()
    .regex(/^event:[1-9][0-9]{0,18}$/)
    .transform((value) => ({ eventUid: value.slice('event:'.length) })),
]);

export const inclusionQuerySchema = z.object({ leaf: leafSchema, size: count.optional() }).strict();
export const consistencyQuerySchema = z.object({ from: count, to: count }).strict();

/** Parses a query or answers 400 naming the parameter (never echoing its value). */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = issue?.path.join('.') || 'query';
  throw new BadRequestException(
    issue?.code === 'unrecognized_keys' ? 'unknown query parameter' : `${name}: not valid`,
  );
}
