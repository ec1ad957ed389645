import { DLQ_HEADERS } from '@app/contract';
import type { DeadLetterHeader, DeadLetterRow } from '@app/persistence';
import { describeDecodeError, type DecodeError } from './decode-error';
import type { IncomingMessage } from './ingest-batch.service';

const header = (name: string, value: string): DeadLetterHeader => ({
  name: Buffer.from(name),
  value: Buffer.from(value),
});

/**
 * The dead-letter copy of a refused message: its key, value and headers as received, plus
 * why (a reason that never quotes the input) and where it was read from. The source
 * position identifies a dead letter: readers dedupe on it.
 */
export function deadLetterOf(message: IncomingMessage, error: DecodeError): DeadLetterRow {
  const { topic, partition, offset } = message.position;
  return {
    topic,
    partition,
    offset,
    code: error.code,
    reason: describeDecodeError(error),
    key: message.key,
    value: message.value,
    headers: [
      ...message.rawHeaders.filter(
        ({ name }) => !name.toString('latin1').startsWith('x-provenant-'),
      ),
      header(DLQ_HEADERS.error, describeDecodeError(error)),
      header(DLQ_HEADERS.code, error.code),
      header(DLQ_HEADERS.topic, topic),
      header(DLQ_HEADERS.partition, String(partition)),
      header(DLQ_HEADERS.offset, offset),
    ],
  };
}
