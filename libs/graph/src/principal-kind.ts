/** What a principal is: who acts, or is acted for, in a chain. */
export const PRINCIPAL_KINDS = ['human', 'agent', 'service', 'tool', 'workload'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];
