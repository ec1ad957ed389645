import { evaluateAnomalies, type AnomalyPolicy } from '@app/anomalies';
import {
  EventStoreRepository,
  RequestGraphRepository,
  SYSTEM_SCOPE,
  type AnomalyRow,
  type EventGraph,
  type StoredAnomaly,
} from '@app/persistence';
import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
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
  constructor(
    private readonly store: EventStoreRepository,
    private readonly graphs: RequestGraphRepository,
  ) {}

  async ingest(
    decoder: EventDecoder,
    policy: AnomalyPolicy,
    messages: IncomingMessage[],
  ): Promise<IngestBatchResult> {
    const rejected: RejectedMessage[] = [];
    const graphs = [];
    for (const message of messages) {
      const result = decoder.decode(message);
      if (result.ok) graphs.push(toEventGraph(result.event, result.credentials, message.position));
      else rejected.push({ message, error: result.error });
    }
    const { stored, duplicates, anomalies } = await this.store.storeBatch(graphs, (client, fresh) =>
      this.detectAnomalies(client, fresh, policy),
    );
    return { stored: stored.length, duplicates, rejected, anomalies };
  }

  /**
   * Re-evaluates every request the new facts touch: their own requests, and those a late
   * revocation or lifecycle change reaches. Rules are monotone, so this converges on the
   * same anomalies whatever the arrival order.
   */
  private async detectAnomalies(
    client: PoolClient,
    fresh: EventGraph[],
    policy: AnomalyPolicy,
  ): Promise<AnomalyRow[]> {
    const requestIds = new Set<string>();
    for (const graph of fresh) if (graph.event.requestId) requestIds.add(graph.event.requestId);
    const changed = fresh.flatMap((graph) => graph.changes.map((change) => change.principal));
    const revoked = fresh.flatMap((graph) =>
      graph.tokens.filter((token) => token.revokedAt !== null).map((token) => token.key),
    );
    for (const requestId of await this.graphs.requestsAffectedBy(client, changed, revoked))
      requestIds.add(requestId);
    const loaded = await this.graphs.load(SYSTEM_SCOPE, [...requestIds], {
      client,
      forRules: true,
    });
    return [...loaded.values()].flatMap((graph) => evaluateAnomalies(graph, policy));
  }
}
