import { LedgerRepository } from '@app/persistence';
import { Injectable } from '@nestjs/common';
import { CheckpointSigner } from './checkpoint-signer.service';
import { ledgerRecord } from './ledger-record';
import { leafHash } from './merkle-hash';
import { appendLeaves, frontier, nodeId } from './merkle-tree';

/** What a pass of the integrity check looked at, and every disagreement it found. */
export interface SelfCheckReport {
  treeSize: number;
  checked: { from: number; to: number };
  problems: string[];
}

/**
 * Recomputes the ledger from what is stored, a window of leaves per pass (rolling over the
 * whole ledger), and compares: each event's record with its leaf's record, each record with
 * its leaf hash, each node with its children; and, every pass, that the leaves are
 * contiguous and that the last signed checkpoint's size and root still hold.
 */
@Injectable()
export class LedgerSelfCheck {
  private cursor = 0;

  constructor(
    private readonly ledger: LedgerRepository,
    private readonly signer: CheckpointSigner,
  ) {}

  async run(window: number): Promise<SelfCheckReport> {
    const problems: string[] = [];
    const { size, count } = await this.ledger.leafStats();
    if (count !== size)
      problems.push(
        `the ledger has ${count} leaves but its last is leaf ${size - 1}: leaves are missing`,
      );
    const last = await this.ledger.latestCheckpoint();
    if (last) {
      try {
        await this.signer.assertExtends(last, size);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    if (this.cursor >= size) this.cursor = 0;
    const from = this.cursor;
    const to = Math.min(size, from + window);
    problems.push(...(await this.checkWindow(from, to)));
    this.cursor = to;
    return { treeSize: size, checked: { from, to }, problems };
  }

  private async checkWindow(from: number, to: number): Promise<string[]> {
    if (to <= from) return [];
    const problems: string[] = [];
    const leaves = await this.ledger.leavesWithEvents(from, to);
    if (leaves.length !== to - from) return [`leaves ${from}..${to - 1} are not all stored`];
    leaves.forEach((leaf, i) => {
      const index = from + i;
      if (!leafHash(leaf.record).equals(leaf.leafHash))
        problems.push(`leaf ${index}: its record does not hash to its leaf hash`);
      if (leaf.event === null) problems.push(`leaf ${index}: its event is gone`);
      else if (ledgerRecord(leaf.event) !== leaf.record)
        problems.push(`leaf ${index}: the stored event no longer matches its record`);
    });
    // The nodes these leaves complete, recomputed from the leaf hashes and the stored frontier.
    const known = await this.ledger.nodes(frontier(from));
    const recomputed = appendLeaves(
      from,
      leaves.map((leaf) => leaf.leafHash),
      new Map(known.map((node) => [nodeId(node), node.hash])),
    );
    const stored = new Map(
      (await this.ledger.nodes(recomputed)).map((node) => [nodeId(node), node.hash]),
    );
    for (const node of recomputed) {
      if (!stored.get(nodeId(node))?.equals(node.hash))
        problems.push(`node ${nodeId(node)}: does not match its children`);
    }
    return problems;
  }
}
