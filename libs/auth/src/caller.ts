import { tenantScope, type TenantScope } from '@app/graph';
import { z } from 'zod';

export const ROLES = ['investigator', 'dashboard', 'siem', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The claims Provenant reads from a verified token; anything else is ignored. */
export const callerClaimsSchema = z.object({
  sub: z.string().min(1).max(256),
  tenants: z.array(z.string().min(1).max(512)).min(1).max(256),
  roles: z
    .array(z.string())
    .max(16)
    .transform((roles) =>
      roles.filter((role): role is Role => (ROLES as readonly string[]).includes(role)),
    ),
});

/** Who is calling, and the tenant scope every read on its behalf is filtered by. */
export class Caller {
  readonly scope: TenantScope;

  constructor(
    readonly sub: string,
    readonly tenants: readonly string[],
    readonly roles: ReadonlySet<Role>,
    /** When the token it was verified from expires: a long-lived socket closes then. */
    readonly expiresAt?: Date,
  ) {
    this.scope = tenantScope(tenants);
  }

  /** `admin` may do what every other role may. */
  may(role: Role): boolean {
    return this.roles.has(role) || this.roles.has('admin');
  }
}
