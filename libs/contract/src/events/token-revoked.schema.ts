import { z } from 'zod';
import { tokenRefSchema } from '../shared.schema';

export const TOKEN_REVOKED = 'provenant.token.revoked';

export const tokenRevokedDataSchema = z.object({
  token: tokenRefSchema,
  reason: z.string().max(1024).optional(),
  revokedAt: z.iso.datetime({ offset: true }),
});
export type TokenRevokedData = z.infer<typeof tokenRevokedDataSchema>;
