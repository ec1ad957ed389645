import { z } from 'zod';
import { identifierSchema, principalRefSchema, tokenRefSchema } from '../shared.schema';

export const TOKEN_EXCHANGED = 'provenant.token.exchanged';

/** An RFC 8693 token exchange: `actor` obtained `issuedToken` on behalf of `subject`. */
export const tokenExchangedDataSchema = z.object({
  requestId: identifierSchema(256),
  subject: principalRefSchema,
  actor: principalRefSchema,
  subjectToken: tokenRefSchema,
  actorToken: tokenRefSchema.optional(),
  issuedToken: tokenRefSchema,
  grantType: z.string().max(256).optional(),
});
export type TokenExchangedData = z.infer<typeof tokenExchangedDataSchema>;
