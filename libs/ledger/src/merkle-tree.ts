import { nodeHash } from './merkle-hash';

/**
 * The Merkle tree of RFC 9162 §2.1 over leaves 0..n-1, computed from stored subtree hashes.
 * A stored node (level, index) is the hash of the complete, aligned subtree of 2^level leaves
 * starting at leaf index·2^level (level 0: the leaf hashes). Every range the RFC's recursions
 * ask for starts on a boundary of its own largest power of two, so it is a few stored nodes
 * folded right to left: answering never rehashes the ledger.
 */
export interface NodeKey {
  level: number;
  index: number;
}

/** A half-open range of leaves [from, to) whose hash MTH(D[from:to]) a proof or root needs. */
export interface LeafRange {
  from: number;
  to: number;
}

/** The largest power of two strictly below n (n > 1), as the RFC splits a tree. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The stored nodes whose hashes make MTH(D[from:to]): the complete aligned subtrees that tile
 * the range from the left, largest first.
 */
export function rangeNodes({ from, to }: LeafRange): NodeKey[] {
  const nodes: NodeKey[] = [];
  let start = from;
  while (start < to) {
    let level = 0;
    // Grow while the subtree stays aligned on `start` and inside the range.
    while (start % 2 ** (level + 1) === 0 && start + 2 ** (level + 1) <= to) level += 1;
    nodes.push({ level, index: start / 2 ** level });
    start += 2 ** level;
  }
  return nodes;
}

/**
 * MTH(D[from:to]) from the hashes of `rangeNodes`: the RFC's tree puts the largest complete
 * subtree on the left at each split, so the tiles fold from the right.
 */
export function foldRange(hashes: Buffer[]): Buffer {
  let hash = hashes[hashes.length - 1];
  for (let i = hashes.length - 2; i >= 0; i -= 1) hash = nodeHash(hashes[i], hash);
  return hash;
}

/** RFC 9162 §2.1.3.1: the ranges whose hashes are the inclusion proof of leaf m in a tree of n. */
export function inclusionRanges(m: number, n: number): LeafRange[] {
  const path: LeafRange[] = [];
  let from = 0;
  let to = n;
  // Walk down from the root; each step's sibling goes in front (the path runs leaf upward).
  while (to - from > 1) {
    const k = splitPoint(to - from);
    if (m - from < k) {
      path.unshift({ from: from + k, to });
      to = from + k;
    } else {
      path.unshift({ from, to: from + k });
      from += k;
    }
  }
  return path;
}

/** RFC 9162 §2.1.4.1: the ranges whose hashes are the consistency proof from size m to n. */
export function consistencyRanges(m: number, n: number): LeafRange[] {
  if (m <= 0 || m >= n) return [];
  const proof: LeafRange[] = [];
  let from = 0;
  let to = n;
  let size = m;
  let complete = true;
  while (size !== to - from) {
    const k = splitPoint(to - from);
    if (size <= k) {
      proof.unshift({ from: from + k, to });
      to = from + k;
    } else {
      proof.unshift({ from, to: from + k });
      from += k;
      size -= k;
      complete = false;
    }
  }
  if (!complete) proof.unshift({ from, to });
  return proof;
}

/**
 * The stored nodes that appending leaves [oldSize, newSize) completes, in the order they can
 * be computed (level by level), each with its two children. A left child complete before the
 * append is one of the old tree's frontier nodes (`frontier(oldSize)`).
 */
export function completedNodes(oldSize: number, newSize: number): NodeKey[] {
  const nodes: NodeKey[] = [];
  for (let level = 1; 2 ** level <= newSize; level += 1) {
    const first = Math.floor(oldSize / 2 ** level);
    const last = Math.floor(newSize / 2 ** level);
    for (let index = first; index < last; index += 1) nodes.push({ level, index });
  }
  return nodes;
}

/** The complete subtrees at the right edge of a tree of `size` leaves: one per set bit. */
export function frontier(size: number): NodeKey[] {
  const nodes: NodeKey[] = [];
  for (let level = 0; 2 ** level <= size; level += 1) {
    if (Math.floor(size / 2 ** level) % 2 === 1)
      nodes.push({ level, index: Math.floor(size / 2 ** level) - 1 });
  }
  return nodes;
}

export const nodeId = ({ level, index }: NodeKey): string => `${level}:${index}`;

/**
 * The hashes of the nodes completed by appending `leafHashes` (leaves oldSize..) to a tree of
 * `oldSize`, given the hashes of its frontier. Pure: what to store comes out, nothing is read.
 */
export function appendLeaves(
  oldSize: number,
  leafHashes: Buffer[],
  frontierHashes: Map<string, Buffer>,
): Array<NodeKey & { hash: Buffer }> {
  const known = new Map(frontierHashes);
  leafHashes.forEach((hash, i) => known.set(nodeId({ level: 0, index: oldSize + i }), hash));
  const completed = completedNodes(oldSize, oldSize + leafHashes.length).map((node) => {
    const left = known.get(nodeId({ level: node.level - 1, index: node.index * 2 }));
    const right = known.get(nodeId({ level: node.level - 1, index: node.index * 2 + 1 }));
    if (!left || !right) throw new Error(`the children of node ${nodeId(node)} are unknown`);
    const hash = nodeHash(left, right);
    known.set(nodeId(node), hash);
    return { ...node, hash };
  });
  return completed;
}
