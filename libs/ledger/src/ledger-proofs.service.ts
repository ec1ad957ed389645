import type { TenantScope } from '@app/graph';
import { LedgerRepository, type LedgerCheckpointRow } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { LedgerTree } from './ledger-tree.service';
import { consistencyRanges, inclusionRanges } from './merkle-tree';

/** A leaf of the ledger proven against a tree size: RFC 9162 §2.1.3's audit path. */
export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  leafHash: Buffer;
  auditPath: Buffer[];
  /** The store's id of the event (its record's `provenantuid`). */
  eventId: string;
}

/** The leaves of one request's events, each proven against one signed checkpoint. */
export interface RequestProof {
  checkpoint: LedgerCheckpointRow;
  leaves: Array<InclusionProof & { record: string }>;
  /** Events of the request stored after the checkpoint was signed: proven by a later one. */
  pending: string[];
}

/** The reason a proof cannot be given, in the caller's terms (no existence is revealed). */
export class LedgerProofError extends Error {}

/**
 * Proofs of the ledger for auditors and investigators: inclusion of a leaf the caller may
 * see, consistency between two signed sizes, a request's events against one checkpoint. All
 * computed from stored subtree hashes; sizes are those of signed checkpoints or below.
 */
@Injectable()
export class LedgerProofs {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly tree: LedgerTree,
  ) {}

  latestCheckpoint(): Promise<LedgerCheckpointRow | null> {
    return this.ledger.latestCheckpoint();
  }

  /** Null when the caller may not see the leaf (or it does not exist: the same to it). */
  async inclusion(
    scope: TenantScope,
    leaf: { leafIndex: number } | { eventUid: string },
    size?: number,
  ): Promise<InclusionProof | null> {
    const found = await this.ledger.visibleLeaf(scope, leaf);
    if (!found) return null;
    const treeSize = size ?? (await this.signedSize());
    if (treeSize > (await this.ledger.treeSize()))
      throw new LedgerProofError('size is beyond the ledger');
    if (found.leafIndex >= treeSize)
      throw new LedgerProofError('the leaf is not in a tree of that size yet');
    const auditPath = await this.tree.hashes(inclusionRanges(found.leafIndex, treeSize));
    return {
      leafIndex: found.leafIndex,
      treeSize,
      leafHash: found.leafHash,
      auditPath,
      eventId: found.eventUid,
    };
  }

  async consistency(from: number, to: number): Promise<Buffer[]> {
    if (from > to) throw new LedgerProofError('from is larger than to');
    if (to > (await this.ledger.treeSize())) throw new LedgerProofError('to is beyond the ledger');
    return this.tree.hashes(consistencyRanges(from, to));
  }

  /** A request's visible events, proven against the latest checkpoint; null before the first. */
  async requestProof(scope: TenantScope, requestId: string): Promise<RequestProof | null> {
    const checkpoint = await this.ledger.latestCheckpoint();
    if (!checkpoint) return null;
    const leaves = await this.ledger.visibleLeavesOfRequest(scope, requestId);
    const proven = leaves.filter((leaf) => leaf.leafIndex < checkpoint.treeSize);
    const ranges = proven.map((leaf) => inclusionRanges(leaf.leafIndex, checkpoint.treeSize));
    // One read for every path; each leaf then takes its own run of hashes back.
    const hashes = await this.tree.hashes(ranges.flat());
    let next = 0;
    return {
      checkpoint,
      leaves: proven.map((leaf, i) => {
        const auditPath = hashes.slice(next, next + ranges[i].length);
        next += ranges[i].length;
        return {
          leafIndex: leaf.leafIndex,
          treeSize: checkpoint.treeSize,
          leafHash: leaf.leafHash,
          auditPath,
          eventId: leaf.eventUid,
          record: leaf.record,
        };
      }),
      pending: leaves
        .filter((leaf) => leaf.leafIndex >= checkpoint.treeSize)
        .map((leaf) => leaf.eventUid),
    };
  }

  private async signedSize(): Promise<number> {
    const checkpoint = await this.ledger.latestCheckpoint();
    if (!checkpoint) throw new LedgerProofError('no checkpoint has been signed yet');
    return checkpoint.treeSize;
  }
}
