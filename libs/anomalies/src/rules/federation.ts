import type { AnomalyPolicy } from '../anomaly-rule';

/** Whether `reporter` speaking of `tenant`'s principals or tokens is expected: the same
 *  tenant, or a federated pair in either direction. */
export const isExpectedAcross = (
  policy: AnomalyPolicy,
  reporter: string,
  tenant: string,
): boolean =>
  reporter === tenant ||
  policy.federation.has(`${tenant}>${reporter}`) ||
  policy.federation.has(`${reporter}>${tenant}`);
