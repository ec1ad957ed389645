import { RULE_NAMES } from '@app/anomalies';
import { UNSTORABLE_TEXT } from '@app/contract';
import { z } from 'zod';

/** An analyst's input refused before anything is stored; the message names the field only. */
export class TriageInputError extends Error {
  readonly code = 'INVALID_TRIAGE_INPUT';
}

export const MAX_NOTE_LENGTH = 2000;
export const MAX_REASON_LENGTH = 1000;
/** Identifiers are bounded as the events' indexed ones are. */
const MAX_ID_BYTES = 512;

const storable = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !UNSTORABLE_TEXT.test(value), 'contains unstorable text');

const identifier = storable(MAX_ID_BYTES)
  .min(1)
  .refine((value) => Buffer.byteLength(value, 'utf8') <= MAX_ID_BYTES, 'is too long');

/** A blank note is no note. */
export const triageNoteSchema = storable(MAX_NOTE_LENGTH)
  .trim()
  .transform((note) => (note === '' ? null : note))
  .nullable();

export const newSuppressionSchema = z
  .object({
    tenant: identifier,
    targetTenant: identifier.nullable(),
    rule: z
      .string()
      .refine((rule) => RULE_NAMES.includes(rule), 'is not a rule Provenant raises')
      .nullable(),
    principalId: identifier.nullable(),
    principalIssuer: identifier.nullable(),
    issuer: identifier.nullable(),
    targetService: identifier.nullable(),
    reason: storable(MAX_REASON_LENGTH).trim().min(1, 'is required'),
    expiresAt: z.date().nullable(),
  })
  .refine((input) => input.principalIssuer === null || input.principalId !== null, {
    message: 'needs principalId',
    path: ['principalIssuer'],
  })
  .refine(
    (input) =>
      [input.rule, input.principalId, input.issuer, input.targetService, input.targetTenant].some(
        (condition) => condition !== null,
      ),
    { message: 'at least one condition (rule, principal, issuer, target) is required', path: [] },
  );
export type NewSuppressionInput = z.infer<typeof newSuppressionSchema>;

/** Parses `value` or throws a TriageInputError naming the first field at fault. */
export function parseTriageInput<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = [name, ...issue.path.map(String)].join('.');
  throw new TriageInputError(`${field}: ${issue.message}`);
}
