/**
 * Who may make lifecycle facts (a revocation, an offboarding) take effect for a tenant's
 * tokens and principals. A tenant always may for its own; this map names, per tenant, the
 * other tenants trusted to as well (an identity provider's tenant, a security team's):
 * `{ "acme": ["acme-hr"] }`. Anyone else's report about them is a claim, recorded as such.
 */
export type LifecycleAuthorities = Readonly<Record<string, readonly string[]>>;

/** Whether `reporter`'s lifecycle facts about `tenant`'s principals and tokens take effect. */
export const isLifecycleAuthority = (
  authorities: LifecycleAuthorities,
  tenant: string,
  reporter: string,
): boolean => reporter === tenant || (authorities[tenant]?.includes(reporter) ?? false);
