/** Injection token of the tenants trusted to report lifecycle facts for others. */
export const LIFECYCLE_AUTHORITIES = Symbol('LIFECYCLE_AUTHORITIES');
