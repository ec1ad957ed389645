import { DatabaseService, LedgerRepository, type LedgerCheckpointRow } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { formatCheckpoint } from './checkpoint';
import { LedgerTree } from './ledger-tree.service';
import { signNote, type NoteSigner } from './signed-note';

/** The stored ledger no longer matches what was signed: it was rewritten, cut or edited. */
export class LedgerIntegrityError extends Error {}

export type SignResult = { signed: LedgerCheckpointRow } | { unchanged: true } | { busy: true };

/**
 * Signs checkpoints of the whole tree, each extending the last: before signing size N it
 * recomputes, from the stored nodes, the root of the last signed size and refuses to sign
 * (LedgerIntegrityError) unless it is the root that was signed, and unless N is not smaller.
 */
@Injectable()
export class CheckpointSigner {
  constructor(
    private readonly database: DatabaseService,
    private readonly ledger: LedgerRepository,
    private readonly tree: LedgerTree,
  ) {}

  /** Signs the tree's current size if it grew by at least `minGrowth` leaves since the last. */
  sign(signer: NoteSigner, origin: string, minGrowth = 1): Promise<SignResult> {
    return this.database.transaction(async (tx) => {
      if (!(await this.ledger.takeCheckpointTurn(tx))) return { busy: true };
      const size = await this.ledger.treeSize(tx);
      const last = await this.ledger.latestCheckpoint(tx);
      if (last) await this.assertExtends(last, size, tx);
      if (size === 0 || size - (last?.treeSize ?? 0) < Math.max(1, minGrowth))
        return { unchanged: true };
      const root = await this.tree.root(size, tx);
      const note = signNote(formatCheckpoint({ origin, size, root }), signer);
      await this.ledger.storeCheckpoint(tx, { treeSize: size, rootHash: root, note });
      return { signed: { treeSize: size, rootHash: root, note, signedAt: new Date() } };
    });
  }

  /** Throws unless the stored tree still has the last signed checkpoint's size and root. */
  async assertExtends(
    last: LedgerCheckpointRow,
    size: number,
    tx?: Parameters<LedgerTree['root']>[1],
  ): Promise<void> {
    if (size < last.treeSize)
      throw new LedgerIntegrityError(
        `the ledger has ${size} leaves, fewer than the ${last.treeSize} of its last signed checkpoint`,
      );
    let root: Buffer;
    try {
      root = await this.tree.root(last.treeSize, tx);
    } catch (error) {
      throw new LedgerIntegrityError(
        `the tree of the last signed checkpoint cannot be rebuilt: ${(error as Error).message}`,
      );
    }
    if (!root.equals(last.rootHash))
      throw new LedgerIntegrityError(
        `the stored tree of size ${last.treeSize} no longer has the root that was signed`,
      );
  }
}
