import { ANOMALY_TRIAGE_STATES, ANOMALY_VERDICTS, SEVERITIES } from '@app/graph';
import { z } from 'zod';

export const severitySchema = z.enum(SEVERITIES);

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
  verdict: z
    .enum(ANOMALY_VERDICTS)
    .describe('OPEN while the stored facts show it; WITHDRAWN once later facts cleared it.'),
  verdictReason: z.string().nullable().describe('Why the verdict changed, once it has.'),
  triage: z.enum(ANOMALY_TRIAGE_STATES).describe('Where an analyst has taken it.'),
  version: z
    .number()
    .int()
    .min(1)
    .describe('1 at detection, one more at every change: the latest version is the current state.'),
  changedAt: z.iso.datetime({ offset: true }).describe('When the current version was made.'),
  suppressedBy: z
    .string()
    .regex(/^\d{1,19}$/)
    .nullable()
    .describe(
      'The suppression that silenced it, if any: still stored and exported, not alerted on live dashboards.',
    ),
});
export type AnomalyData = z.infer<typeof anomalyDataSchema>;

/**
 * A message on the anomaly topic: a structured-mode CloudEvent (header
 * `content-type: application/cloudevents+json`), keyed by `requestId`. Delivered at least
 * once. `provenant.anomaly.detected` (version 1) has the anomaly's id as its CloudEvent `id`;
 * each change after it is a `provenant.anomaly.updated` with the id `<anomaly id>.<version>`,
 * so consumers dedupe on the CloudEvent `id` and keep, per `data.id`, the highest version.
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

/** The CloudEvent of one version of an anomaly: its detection, or a change after it. */
export function anomalyEvent(anomaly: AnomalyData): AnomalyEvent {
  const detected = anomaly.version === 1;
  return {
    specversion: '1.0',
    id: detected ? anomaly.id : `${anomaly.id}.${anomaly.version}`,
    source: ANOMALY_SOURCE,
    type: detected ? ANOMALY_DETECTED : ANOMALY_UPDATED,
    time: detected ? anomaly.detectedAt : anomaly.changedAt,
    tenantid: anomaly.tenant,
    ...(anomaly.requestId === null ? {} : { subject: anomaly.requestId }),
    datacontenttype: 'application/json',
    data: anomaly,
  };
}
