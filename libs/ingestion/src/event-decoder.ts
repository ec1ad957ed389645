import {
  actDepth,
  DEFAULT_LIMITS,
  delegationEventSchema,
  EVENT_TYPES,
  type DelegationEvent,
  type InputLimits,
  type TokenRef,
} from '@app/contract';
import type { z } from 'zod';
import type { CredentialFinding } from './credential-scrubber';
import type { DecodeError } from './decode-error';
import { guardJson } from './json-guard';

/** A Kafka message as the decoder needs it, independent of any client library. */
export interface RawMessage {
  value: Buffer | null;
  /** Header names in lower case, values decoded as UTF-8. */
  headers: Record<string, string | undefined>;
}

export type DecodeResult =
  | { ok: true; event: DelegationEvent; credentials: CredentialFinding[] }
  | { ok: false; error: DecodeError };

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const STRUCTURED = /^application\/cloudevents(\+json)?\s*(;|$)/i;
const BINARY_ATTRIBUTES = [
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'tenantid',
  'traceparent',
  'dataschema',
];
// Room for the envelope and token nesting around the deepest accepted `act` chain.
const STRUCTURAL_DEPTH_MARGIN = 12;

const fail = (code: DecodeError['code'], message: string): DecodeResult => ({
  ok: false,
  error: { code, message },
});

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

function tokensOf(event: DelegationEvent): TokenRef[] {
  switch (event.type) {
    case 'provenant.token.exchanged':
      return [
        event.data.subjectToken,
        event.data.issuedToken,
        ...(event.data.actorToken ? [event.data.actorToken] : []),
      ];
    case 'provenant.action.performed':
      return event.data.token ? [event.data.token] : [];
    case 'provenant.token.revoked':
      return [event.data.token];
    case 'provenant.principal.changed':
      return [];
  }
}

/**
 * Turns untrusted bytes and headers into a validated delegation event, or a reason.
 * Order matters: cheap size and encoding checks first, then a guarded walk that scrubs
 * raw credentials before zod (or anything else) looks at the content.
 */
export class EventDecoder {
  private readonly limits: InputLimits;

  constructor(
    limits: Partial<InputLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  decode(message: RawMessage): DecodeResult {
    const { value, headers } = message;
    if (value === null || value.length === 0)
      return fail('EMPTY_MESSAGE', 'the message has no value');
    if (value.length > this.limits.maxEventBytes) {
      return fail(
        'MESSAGE_TOO_LARGE',
        `${value.length} bytes exceeds the limit of ${this.limits.maxEventBytes}`,
      );
    }
    let text: string;
    try {
      text = UTF8.decode(value);
    } catch {
      return fail('INVALID_UTF8', 'the value is not valid UTF-8');
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      // V8 quotes the input (the start of it, the offending character, even a NUL): the
      // reason is ours alone, with the position, and never echoes input into logs, DLQ
      // headers or the database.
      const position = /position (\d+)/.exec((error as Error).message)?.[1];
      return fail(
        'INVALID_JSON',
        `the value is not valid JSON${position === undefined ? '' : ` (at position ${position})`}`,
      );
    }

    const structured = STRUCTURED.test(headers['content-type'] ?? '');
    let candidate: Record<string, unknown>;
    if (structured) {
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        return fail('INVALID_ENVELOPE', 'a structured CloudEvent must be a JSON object');
      }
      candidate = json as Record<string, unknown>;
    } else {
      candidate = { data: json };
      for (const name of BINARY_ATTRIBUTES) {
        const header = headers[`ce_${name}`];
        if (header !== undefined) candidate[name] = header;
      }
    }

    const guard = guardJson(candidate, this.limits.maxActDepth + STRUCTURAL_DEPTH_MARGIN);
    if (!guard.ok) return fail(guard.code, guard.message);

    if (candidate.specversion !== '1.0') {
      return fail(
        'INVALID_ENVELOPE',
        `specversion must be "1.0" (${structured ? 'structured' : 'binary'} mode)`,
      );
    }
    if (typeof candidate.type !== 'string' || !(EVENT_TYPES as string[]).includes(candidate.type)) {
      // The type is the sender's text: named by what it is not, never echoed.
      return fail('UNKNOWN_TYPE', `the event type is not one of ${EVENT_TYPES.join(', ')}`);
    }
    const parsed = delegationEventSchema.safeParse(candidate);
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      const envelopeProblem = !issue.startsWith('data');
      return fail(envelopeProblem ? 'INVALID_ENVELOPE' : 'INVALID_DATA', issue);
    }
    const event = parsed.data as DelegationEvent;

    const latest = this.now() + this.limits.maxFutureSkewMs;
    for (const [name, at] of this.timesOf(event)) {
      if (Date.parse(at) > latest)
        return fail('TIME_IN_FUTURE', `${name} ${at} lies in the future`);
    }
    for (const token of tokensOf(event)) {
      if (actDepth(token.claims, this.limits.maxActDepth + 1) > this.limits.maxActDepth) {
        return fail('INVALID_DATA', `act nested deeper than ${this.limits.maxActDepth} levels`);
      }
    }
    return { ok: true, event, credentials: guard.findings };
  }

  private timesOf(event: DelegationEvent): Array<[string, string]> {
    const times: Array<[string, string]> = [['time', event.time]];
    if (event.type === 'provenant.token.revoked')
      times.push(['data.revokedAt', event.data.revokedAt]);
    if (event.type === 'provenant.principal.changed')
      times.push(['data.effectiveAt', event.data.effectiveAt]);
    return times;
  }
}
