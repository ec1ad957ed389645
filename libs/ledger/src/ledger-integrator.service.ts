import { DatabaseService, LedgerRepository, type LedgerLeafRow } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { ledgerRecord } from './ledger-record';
import { leafHash } from './merkle-hash';
import { appendLeaves, frontier, nodeId } from './merkle-tree';

/** Leaves written, or another process holds the integration turn. */
export type IntegrationResult = { integrated: number } | { busy: true };

/**
 * Turns placed events into the ledger's leaves, in position order: each event's canonical
 * record and its leaf hash, and the tree's nodes they complete. One integrator at a time across every ingestor (the others find
 * the turn taken), so leaves are contiguous and each is written once.
 */
@Injectable()
export class LedgerIntegrator {
  constructor(
    private readonly database: DatabaseService,
    private readonly ledger: LedgerRepository,
  ) {}

  /** Writes the leaves of up to `limit` placed events that have none yet. */
  integrate(limit: number): Promise<IntegrationResult> {
    return this.database.transaction(async (tx) => {
      if (!(await this.ledger.takeIntegrationTurn(tx))) return { busy: true };
      const events = await this.ledger.nextToIntegrate(tx, limit);
      if (events.length === 0) return { integrated: 0 };
      const leaves = events.map((event): LedgerLeafRow => {
        const record = ledgerRecord(event);
        return {
          leafIndex: event.leafIndex,
          tenant: event.tenant,
          targetTenant: event.targetTenant,
          eventTime: event.time,
          record,
          leafHash: leafHash(record),
        };
      });
      // Leaves are contiguous, so the first new one's index is the tree's size before.
      const oldSize = Number(events[0].leafIndex);
      const known = await this.ledger.nodes(frontier(oldSize), tx);
      const nodes = appendLeaves(
        oldSize,
        leaves.map((leaf) => leaf.leafHash),
        new Map(known.map((node) => [nodeId(node), node.hash])),
      );
      await this.ledger.appendLeaves(tx, leaves);
      await this.ledger.appendNodes(tx, nodes);
      return { integrated: leaves.length };
    });
  }
}
