import type { TenantScope, TriageDecision } from '@app/graph';
import { AnomalyRepository, type AnomalyChangeRecord, type StoredAnomaly } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { parseTriageInput, triageNoteSchema } from './triage-input';

/**
 * An analyst's work on an anomaly: moving it through triage, and reading its history. A
 * triage is a change like the rules' verdicts (a new version, a history entry, published
 * through the outbox to the topic, the live feed and the export): the repository records
 * them on one path.
 */
@Injectable()
export class TriageService {
  constructor(private readonly anomalies: AnomalyRepository) {}

  /**
   * Moves the anomaly to `decision` for `actor` (the caller's `sub`). Null when the scope
   * may not see it; the anomaly as it is when it already was in that state.
   */
  async triage(
    scope: TenantScope,
    actor: string,
    anomalyId: string,
    decision: TriageDecision,
    note: string | null,
  ): Promise<StoredAnomaly | null> {
    const checked = parseTriageInput(triageNoteSchema, note, 'note');
    const changed = await this.anomalies.triage(scope, {
      anomalyId,
      triage: decision,
      actor,
      note: checked,
    });
    return changed ?? this.anomalies.find(scope, anomalyId);
  }

  history(
    scope: TenantScope,
    anomalyIds: readonly string[],
  ): Promise<Map<string, AnomalyChangeRecord[]>> {
    return this.anomalies.history(scope, anomalyIds);
  }
}
