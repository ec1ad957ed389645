import { z } from 'zod';
import { principalRefSchema } from '../shared.schema';

export const PRINCIPAL_CHANGED = 'provenant.principal.changed';

export const PRINCIPAL_CHANGES = [
  'offboarded',
  'disabled',
  'enabled',
  'role_changed',
  'credentials_rotated',
] as const;

export const principalChangedDataSchema = z.object({
  principal: principalRefSchema,
  change: z.enum(PRINCIPAL_CHANGES),
  effectiveAt: z.iso.datetime({ offset: true }),
});
export type PrincipalChangedData = z.infer<typeof principalChangedDataSchema>;
