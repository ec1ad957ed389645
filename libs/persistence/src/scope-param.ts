import type { TenantScope } from '@app/graph';

/** The scope as one SQL parameter: NULL reads everything (system), else a text[]. */
export const scopeParam = (scope: TenantScope): string[] | null =>
  scope.kind === 'system' ? null : [...scope.tenants];
