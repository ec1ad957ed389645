/**
 * Who the data is read for. Every read repository method takes one, so no caller can
 * forget visibility: a caller sees an event when its owning tenant, or its target tenant,
 * is one of the scope's tenants. `system` is for the ingestor's own rule evaluation.
 */
export type TenantScope =
  { readonly kind: 'tenants'; readonly tenants: readonly string[] } | { readonly kind: 'system' };

export const SYSTEM_SCOPE: TenantScope = Object.freeze({ kind: 'system' });

export function tenantScope(tenants: readonly string[]): TenantScope {
  return Object.freeze({ kind: 'tenants', tenants: Object.freeze([...tenants]) });
}

/** Whether the scope sees a record owned by `tenant`, or targeting `targetTenant`. */
export function scopeSees(
  scope: TenantScope,
  record: { tenant: string; targetTenant: string | null },
): boolean {
  if (scope.kind === 'system') return true;
  return (
    scope.tenants.includes(record.tenant) ||
    (record.targetTenant !== null && scope.tenants.includes(record.targetTenant))
  );
}
