import { DatabaseService, LedgerRepository, type LedgerLeafRow } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { ledgerRecord } from './ledger-record';
import { leafHash } from './merkle-hash';

/** Leaves written, or another process holds the integration turn. */
export type IntegrationResult = { integrated: number } | { busy: true };

/**
 * Turns placed events into the ledger's leaves, in position order: each event's canonical
 * record and its leaf hash. One integrator at a time across every ingestor (the others find
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
      await this.ledger.appendLeaves(tx, leaves);
      return { integrated: leaves.length };
    });
  }
}
