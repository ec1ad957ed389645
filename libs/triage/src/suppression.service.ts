import { suppressionMatches } from '@app/anomalies';
import type { TenantScope } from '@app/graph';
import {
  DatabaseService,
  SuppressionRepository,
  type StoredSuppression,
  type SuppressionQuery,
} from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { newSuppressionSchema, parseTriageInput, TriageInputError } from './triage-input';

export interface CreatedSuppression {
  suppression: StoredSuppression;
  /** Open anomalies it silenced at once (when asked to). */
  suppressedNow: number;
}

/**
 * Suppressions, an admin's decisions that some anomalies are known and need no alert. They
 * apply from creation to what the rules find (the ingestor matches them), and, when asked,
 * to the open anomalies that already match: each is then silenced as a change of its own.
 */
@Injectable()
export class SuppressionService {
  constructor(
    private readonly database: DatabaseService,
    private readonly suppressions: SuppressionRepository,
  ) {}

  async create(
    scope: TenantScope,
    actor: string,
    input: unknown,
    applyToOpen: boolean,
  ): Promise<CreatedSuppression> {
    const checked = parseTriageInput(newSuppressionSchema, input, 'input');
    if (checked.expiresAt !== null && checked.expiresAt.getTime() <= Date.now())
      throw new TriageInputError('input.expiresAt: must lie in the future');
    return this.database.transaction(async (tx) => {
      const suppression = await this.suppressions.create(tx, scope, {
        ...checked,
        createdBy: actor,
      });
      // Tenants the caller does not hold are its own mistake: its token says which it has.
      if (!suppression)
        throw new TriageInputError('input.tenant: tenant and targetTenant must be your tenants');
      if (!applyToOpen) return { suppression, suppressedNow: 0 };
      const now = new Date();
      const matching = (await this.suppressions.openCandidates(tx, suppression)).filter(
        (candidate) => suppressionMatches(suppression, candidate, now),
      );
      const silenced = await this.suppressions.suppress(
        tx,
        matching.map((candidate) => candidate.id),
        suppression,
        actor,
      );
      return { suppression, suppressedNow: silenced.length };
    });
  }

  revoke(scope: TenantScope, actor: string, id: string): Promise<StoredSuppression | null> {
    return this.suppressions.revoke(scope, id, actor);
  }

  list(scope: TenantScope, query: SuppressionQuery): Promise<StoredSuppression[]> {
    return this.suppressions.list(scope, query);
  }
}
