import { DLQ_HEADERS, UNSTORABLE_TEXT } from '@app/contract';
import type { DeadLetterHeader, DeadLetterRow } from '@app/persistence';
import { scrubString, type CredentialFinding } from './credential-scrubber';
import { describeDecodeError, type DecodeError } from './decode-error';
import type { IncomingMessage } from './ingest-batch.service';

const UNSTORABLE_ANYWHERE = new RegExp(UNSTORABLE_TEXT.source, 'g');

const header = (name: string, value: string): DeadLetterHeader => ({
  name: Buffer.from(name),
  value: Buffer.from(value),
});

/**
 * Raw credentials replaced by their fingerprints, every other byte kept. The patterns are
 * ASCII, so the bytes are read as latin1: whatever the encoding (or its absence), nothing
 * else changes.
 */
function redacted(bytes: Buffer | null, findings: CredentialFinding[]): Buffer | null {
  if (bytes === null) return null;
  const before = findings.length;
  const text = scrubString(bytes.toString('latin1'), '', findings);
  return findings.length === before ? bytes : Buffer.from(text, 'latin1');
}

/**
 * The dead-letter copy of a refused message: its key, value and headers as received, except
 * that raw credentials are replaced by their fingerprints (then `x-provenant-redacted: true`),
 * plus why (a reason that never quotes the input) and where it was read from. The source
 * position identifies a dead letter: readers dedupe on it.
 */
export function deadLetterOf(message: IncomingMessage, error: DecodeError): DeadLetterRow {
  const { topic, partition, offset } = message.position;
  // Reasons are our own words, but a NUL or a lone surrogate that slipped into one would
  // make the dead letter itself unstorable: defence in depth.
  const reason = describeDecodeError(error).replace(UNSTORABLE_ANYWHERE, '\ufffd');
  const findings: CredentialFinding[] = [];
  const key = redacted(message.key, findings);
  const value = redacted(message.value, findings);
  const headers = message.rawHeaders
    .filter(({ name }) => !name.toString('latin1').startsWith('x-provenant-'))
    .map(({ name, value: headerValue }) => ({ name, value: redacted(headerValue, findings)! }));
  return {
    topic,
    partition,
    offset,
    code: error.code,
    reason,
    key,
    value,
    headers: [
      ...headers,
      ...(findings.length > 0 ? [header(DLQ_HEADERS.redacted, 'true')] : []),
      header(DLQ_HEADERS.error, reason),
      header(DLQ_HEADERS.code, error.code),
      header(DLQ_HEADERS.topic, topic),
      header(DLQ_HEADERS.partition, String(partition)),
      header(DLQ_HEADERS.offset, offset),
    ],
  };
}
