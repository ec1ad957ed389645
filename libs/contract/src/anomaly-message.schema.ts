import { z } from 'zod';

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;

export const ANOMALY_DETECTED = 'provenant.anomaly.detected';
export const ANOMALY_UPDATED = 'provenant.anomaly.updated';
/** The CloudEvents `source` of every anomaly Provenant publishes. */
export const ANOMALY_SOURCE = 'urn:provenant:anomalies';

/** One stored anomaly, as published; `id` is stable: consumers dedupe on it. */
export const anomalyDataSchema = z.object({
  id: z
    .string()
    .regex(/^\d{1,19}$/)
    .describe("Provenant's identifier of the anomaly, a decimal integer."),
  rule: z.string().min(1).describe('The rule that fired.'),
  severity: severitySchema,
  requestId: z.string().nullable().describe('The request whose chain raised the anomaly, if any.'),
  /** The tenant whose events the anomaly is about, and the tenant they targeted. */
  tenant: z.string(),
  targetTenant: z.string().nullable(),
  summary: z.string().describe('One readable sentence.'),
  details: z.unknown().describe('Rule-specific details.'),
  detectedAt: z.iso.datetime({ offset: true }),
});
export type AnomalyData = z.infer<typeof anomalyDataSchema>;

/**
 * A message on the anomaly topic: a structured-mode CloudEvent (header
 * `content-type: application/cloudevents+json`), keyed by `requestId`. Delivered at least
 * once: the CloudEvent `id` is the anomaly's id.
 */
export const anomalyEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string(),
  source: z.literal(ANOMALY_SOURCE),
  type: z.enum([ANOMALY_DETECTED, ANOMALY_UPDATED]),
  time: z.iso.datetime({ offset: true }),
  tenantid: z.string(),
  subject: z.string().optional(),
  datacontenttype: z.literal('application/json'),
  data: anomalyDataSchema,
});
export type AnomalyEvent = z.infer<typeof anomalyEventSchema>;

/** The CloudEvent announcing a newly detected anomaly. */
export function anomalyDetectedEvent(anomaly: AnomalyData): AnomalyEvent {
  return {
    specversion: '1.0',
    id: anomaly.id,
    source: ANOMALY_SOURCE,
    type: ANOMALY_DETECTED,
    time: anomaly.detectedAt,
    tenantid: anomaly.tenant,
    ...(anomaly.requestId === null ? {} : { subject: anomaly.requestId }),
    datacontenttype: 'application/json',
    data: anomaly,
  };
}
