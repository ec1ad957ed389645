import { DECISIONS } from '@app/graph';
import { z } from 'zod';
import { identifierSchema, principalRefSchema, tokenRefSchema } from '../shared.schema';

export const ACTION_PERFORMED = 'provenant.action.performed';

/** One hop: an actor, on behalf of someone, through an optional tool, calls a target. */
export const actionPerformedDataSchema = z.object({
  requestId: identifierSchema(256),
  hopId: identifierSchema(256),
  parentHopId: identifierSchema(256).optional(),
  actor: principalRefSchema,
  onBehalfOf: principalRefSchema.optional(),
  tool: z
    .object({ name: z.string().min(1).max(256), server: z.string().max(512).optional() })
    .optional(),
  target: z.object({
    service: z.string().min(1).max(256),
    tenant: identifierSchema(512).optional(),
    resource: z.string().max(1024).optional(),
    action: z.string().max(256).optional(),
  }),
  token: tokenRefSchema.optional(),
  decision: z.enum(DECISIONS),
  reason: z.string().max(1024).optional(),
});
export type ActionPerformedData = z.infer<typeof actionPerformedDataSchema>;
