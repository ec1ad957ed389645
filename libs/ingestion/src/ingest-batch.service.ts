import { EventStoreRepository, type StoredAnomaly } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import type { DecodeError } from './decode-error';
import type { EventDecoder, RawMessage } from './event-decoder';
import { toEventGraph, type MessagePosition } from './event-graph.mapper';

export interface IncomingMessage extends RawMessage {
  position: MessagePosition;
}

export interface RejectedMessage {
  message: IncomingMessage;
  error: DecodeError;
}

export interface IngestBatchResult {
  stored: number;
  duplicates: number;
  rejected: RejectedMessage[];
  anomalies: StoredAnomaly[];
}

/**
 * One batch, one use case: decode every message, store the valid ones in one transaction,
 * and hand back the refused ones with their reason for the dead-letter topic.
 */
@Injectable()
export class IngestBatchService {
  constructor(private readonly store: EventStoreRepository) {}

  async ingest(decoder: EventDecoder, messages: IncomingMessage[]): Promise<IngestBatchResult> {
    const rejected: RejectedMessage[] = [];
    const graphs = [];
    for (const message of messages) {
      const result = decoder.decode(message);
      if (result.ok) graphs.push(toEventGraph(result.event, result.credentials, message.position));
      else rejected.push({ message, error: result.error });
    }
    const { stored, duplicates, anomalies } = await this.store.storeBatch(graphs);
    return { stored: stored.length, duplicates, rejected, anomalies };
  }
}
