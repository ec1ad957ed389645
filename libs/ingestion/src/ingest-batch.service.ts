import { evaluateEventClaims, suppressionFor, type AnomalyPolicy } from '@app/anomalies';
import {
  classifyStorageFailure,
  DatabaseService,
  EventStoreRepository,
  RequestGraphRepository,
  SuppressionRepository,
  TransientStorageError,
  type AnomalyRow,
  type DeadLetterHeader,
  type DeadLetterRow,
  type EventGraph,
  type StoreBatchResult,
  type StoredAnomaly,
  type Transaction,
} from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { deadLetterOf } from './dead-letter';
import type { DecodeError } from './decode-error';
import type { EventDecoder, RawMessage } from './event-decoder';
import { toEventGraph, type MessagePosition } from './event-graph.mapper';
import { judgeRequests, REQUEST_RULE_NAMES } from './request-judging';

export interface IncomingMessage extends RawMessage {
  key: Buffer | null;
  /** The headers exactly as received, for the dead-letter copy. */
  rawHeaders: DeadLetterHeader[];
  position: MessagePosition;
}

export interface RejectedMessage {
  message: IncomingMessage;
  error: DecodeError;
}

export interface IngestBatchResult {
  stored: number;
  /** Events stored before, or repeated within this batch (same source and id). */
  duplicates: number;
  /** Every refused message, recorded for the dead-letter topic. */
  rejected: RejectedMessage[];
  /** Anomalies raised for the first time, reopened or withdrawn, queued for publishing. */
  anomalies: StoredAnomaly[];
  /** Dead letters recorded for the first time (re-read messages are recorded once). */
  deadLettered: number;
}

interface Candidate {
  message: IncomingMessage;
  graph: EventGraph;
  /** Later deliveries of the same event in this batch: they share its fate. */
  repeats: IncomingMessage[];
}

const eventKey = (graph: EventGraph): string => `${graph.event.source}\u0000${graph.event.ceId}`;

/**
 * One batch, one use case: decode every message, store the valid ones and record the refused
 * ones in one transaction, which this use case opens and hands to each repository. No message can hold the others back: a transient failure
 * (connection, deadlock) is thrown as `TransientStorageError` for the caller to retry the
 * whole batch; any other failure is narrowed down by splitting the batch until the
 * message(s) behind it are found, and those are dead-lettered while the rest is stored.
 */
@Injectable()
export class IngestBatchService {
  constructor(
    private readonly database: DatabaseService,
    private readonly store: EventStoreRepository,
    private readonly graphs: RequestGraphRepository,
    private readonly suppressions: SuppressionRepository,
  ) {}

  async ingest(
    decoder: EventDecoder,
    policy: AnomalyPolicy,
    messages: IncomingMessage[],
  ): Promise<IngestBatchResult> {
    const rejected: RejectedMessage[] = [];
    const candidates: Candidate[] = [];
    const seen = new Map<string, Candidate>();
    let repeated = 0;
    for (const message of messages) {
      const result = decoder.decode(message);
      if (!result.ok) {
        rejected.push({ message, error: result.error });
        continue;
      }
      const graph = toEventGraph(result.event, result.credentials, message.position);
      graph.anomalies.push(...evaluateEventClaims(graph, policy));
      // A producer retry delivers the same event twice in one batch: the first one counts.
      const first = seen.get(eventKey(graph));
      if (first) {
        first.repeats.push(message);
        repeated += 1;
        continue;
      }
      const candidate: Candidate = { message, graph, repeats: [] };
      seen.set(eventKey(graph), candidate);
      candidates.push(candidate);
    }
    const result: IngestBatchResult = {
      stored: 0,
      duplicates: repeated,
      rejected,
      anomalies: [],
      deadLettered: 0,
    };
    await this.storeIsolating(candidates, rejected, policy, result);
    return result;
  }

  /**
   * Stores `candidates` with the dead letters of `refused`; on a permanent failure, splits
   * the candidates in halves and stores each half on its own, down to the single message
   * that fails, which joins the refused ones.
   */
  private async storeIsolating(
    candidates: Candidate[],
    refused: RejectedMessage[],
    policy: AnomalyPolicy,
    result: IngestBatchResult,
  ): Promise<void> {
    const deadLetters: DeadLetterRow[] = refused.map(({ message, error }) =>
      deadLetterOf(message, error),
    );
    try {
      const outcome = await this.storeInOneTransaction(
        candidates.map((candidate) => candidate.graph),
        deadLetters,
        policy,
      );
      result.stored += outcome.stored.length;
      result.duplicates += outcome.duplicates;
      result.anomalies.push(...outcome.anomalies);
      result.deadLettered += outcome.deadLettered;
      return;
    } catch (error) {
      const failure = classifyStorageFailure(error);
      if (failure.kind === 'transient')
        throw new TransientStorageError(failure.reason, { cause: error });
      // Dead-letter rows are built here (bytes, our own text): nothing in them can be refused.
      if (candidates.length === 0) throw error;
      if (candidates.length === 1) {
        // The event and its repeats in this batch: each delivery is dead-lettered.
        const { message, repeats } = candidates[0];
        const failed: RejectedMessage[] = [message, ...repeats].map((delivery) => ({
          message: delivery,
          error: { code: 'STORAGE_REFUSED', message: failure.reason },
        }));
        result.rejected.push(...failed);
        result.duplicates -= repeats.length;
        await this.storeIsolating([], [...refused, ...failed], policy, result);
        return;
      }
    }
    const middle = Math.ceil(candidates.length / 2);
    await this.storeIsolating(candidates.slice(0, middle), [], policy, result);
    await this.storeIsolating(candidates.slice(middle), refused, policy, result);
  }

  /**
   * The batch's events, its dead letters and the anomalies they raise (the events' own and
   * the rules' findings on every request the new facts touch) commit together or not at all.
   */
  private async storeInOneTransaction(
    graphs: EventGraph[],
    deadLetters: DeadLetterRow[],
    policy: AnomalyPolicy,
  ): Promise<StoreBatchResult & { anomalies: StoredAnomaly[] }> {
    if (graphs.length === 0 && deadLetters.length === 0)
      return { stored: [], duplicates: 0, anomalies: [], deadLettered: 0 };
    return this.database.transaction(async (tx) => {
      const written = await this.store.storeBatch(tx, { graphs, deadLetters });
      const judged =
        written.stored.length > 0
          ? await this.judgeTouched(tx, written.stored, policy)
          : { found: [], evaluated: [] };
      const found = [...written.stored.flatMap((graph) => graph.anomalies), ...judged.found];
      const anomalies = await this.store.recordVerdicts(tx, {
        found: await this.withSuppressions(tx, found),
        evaluated: judged.evaluated,
        rules: REQUEST_RULE_NAMES,
      });
      return { ...written, anomalies };
    });
  }

  /**
   * Marks each finding an active suppression of its tenant silences: it is still stored (and
   * exported), with the suppression in its history, but kept off the live dashboards.
   */
  private async withSuppressions(tx: Transaction, found: AnomalyRow[]): Promise<AnomalyRow[]> {
    if (found.length === 0) return found;
    const active = await this.suppressions.activeFor(
      tx,
      found.map((row) => row.tenant),
    );
    if (active.length === 0) return found;
    const now = new Date();
    return found.map((row) => ({
      ...row,
      suppressedBy: suppressionFor(active, row, now)?.id ?? null,
    }));
  }

  /**
   * Judges again every request the new facts touch: their own requests, those a late
   * revocation or lifecycle change reaches, those that used a token a new exchange issued,
   * and those that presented a token now shared. What the rules find on a request's facts is its
   * verdict: anomalies found are open, those no longer found are withdrawn, so the open set
   * converges whatever the arrival order.
   */
  private async judgeTouched(
    tx: Transaction,
    fresh: EventGraph[],
    policy: AnomalyPolicy,
  ): Promise<{ found: AnomalyRow[]; evaluated: string[] }> {
    const requestIds = new Set<string>();
    for (const graph of fresh) if (graph.event.requestId) requestIds.add(graph.event.requestId);
    const changed = fresh.flatMap((graph) => graph.changes.map((change) => change.principal));
    const revoked = fresh.flatMap((graph) =>
      graph.tokens.filter((token) => token.revokedAt !== null).map((token) => token.key),
    );
    for (const requestId of await this.graphs.requestsAffectedBy(tx, changed, revoked))
      requestIds.add(requestId);
    // An exchange reported after the token it issued was used elsewhere links that use to
    // its origin and ancestors: the requests that used it are judged again.
    const issued = fresh.flatMap((graph) =>
      graph.exchanges.map((x) => ({ tenant: x.tenant, key: x.issuedTokenKey })),
    );
    for (const requestId of await this.graphs.requestsUsingIssued(tx, issued, [...requestIds]))
      requestIds.add(requestId);
    return judgeRequests(this.graphs, tx, [...requestIds], policy);
  }
}
