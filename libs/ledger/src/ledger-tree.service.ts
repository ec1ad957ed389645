import { LedgerRepository, type Transaction } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { foldRange, nodeId, rangeNodes, type LeafRange } from './merkle-tree';

/** A range's hash is missing from the store: the tree was cut short or rewritten under us. */
export class LedgerTreeError extends Error {}

/** MTH of leaf ranges from the stored subtree hashes, one query for all of them. */
@Injectable()
export class LedgerTree {
  constructor(private readonly ledger: LedgerRepository) {}

  async hashes(ranges: LeafRange[], tx?: Transaction): Promise<Buffer[]> {
    const tiles = ranges.map(rangeNodes);
    const wanted = new Map(tiles.flat().map((node) => [nodeId(node), node]));
    const stored = new Map(
      (await this.ledger.nodes([...wanted.values()], tx)).map((node) => [nodeId(node), node.hash]),
    );
    return tiles.map((nodes) =>
      foldRange(
        nodes.map((node) => {
          const hash = stored.get(nodeId(node));
          if (!hash) throw new LedgerTreeError(`the ledger has no node ${nodeId(node)}`);
          return hash;
        }),
      ),
    );
  }

  async root(size: number, tx?: Transaction): Promise<Buffer> {
    if (size === 0) return EMPTY_ROOT;
    const [root] = await this.hashes([{ from: 0, to: size }], tx);
    return root;
  }
}

/** RFC 9162 §2.1.1: the hash of an empty tree is the hash of the empty string. */
export const EMPTY_ROOT = Buffer.from(
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'hex',
);
