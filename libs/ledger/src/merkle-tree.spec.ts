import fc from 'fast-check';
import { leafHash, nodeHash } from './merkle-hash';
import {
  appendLeaves,
  consistencyRanges,
  foldRange,
  frontier,
  inclusionRanges,
  nodeId,
  rangeNodes,
  type LeafRange,
} from './merkle-tree';
import { verifyConsistency, verifyInclusion } from './merkle-verify';

// The reference: RFC 9162 §2.1.1–2.1.4 transcribed as recursions over the whole list of
// leaves, with no stored node anywhere.
const leaves = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => leafHash(`leaf ${i}`));
const split = (n: number): number => 2 ** Math.ceil(Math.log2(n) - 1);
function mth(d: Buffer[]): Buffer {
  if (d.length === 1) return d[0];
  const k = split(d.length);
  return nodeHash(mth(d.slice(0, k)), mth(d.slice(k)));
}
function path(m: number, d: Buffer[]): Buffer[] {
  if (d.length <= 1) return [];
  const k = split(d.length);
  return m < k
    ? [...path(m, d.slice(0, k)), mth(d.slice(k))]
    : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}
function subproof(m: number, d: Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const k = split(d.length);
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
}

/** Every stored node of a tree of the leaves, as the integrator stores them. */
function storedNodes(d: Buffer[]): Map<string, Buffer> {
  const nodes = new Map<string, Buffer>();
  d.forEach((hash, index) => nodes.set(nodeId({ level: 0, index }), hash));
  for (const node of appendLeaves(0, [], new Map())) nodes.set(nodeId(node), node.hash);
  for (const node of appendLeaves(0, d, new Map())) nodes.set(nodeId(node), node.hash);
  return nodes;
}
const hashOf = (nodes: Map<string, Buffer>) => (range: LeafRange) =>
  foldRange(rangeNodes(range).map((node) => nodes.get(nodeId(node))!));

describe('the Merkle tree from stored nodes', () => {
  it('gives the root, inclusion and consistency proofs of the RFC for every size up to 40', () => {
    const all = leaves(40);
    const nodes = storedNodes(all);
    const hash = hashOf(nodes);
    for (let n = 1; n <= 40; n += 1) {
      const d = all.slice(0, n);
      const root = mth(d);
      expect(hash({ from: 0, to: n })).toEqual(root);
      for (let m = 0; m < n; m += 1) {
        const proof = inclusionRanges(m, n).map(hash);
        expect(proof).toEqual(path(m, d));
        expect(verifyInclusion(m, n, d[m], proof, root)).toBe(true);
      }
      for (let m = 1; m < n; m += 1) {
        const proof = consistencyRanges(m, n).map(hash);
        expect(proof).toEqual(subproof(m, d, true));
        expect(verifyConsistency(m, n, mth(all.slice(0, m)), root, proof)).toBe(true);
      }
    }
  });

  it('completes the same nodes whatever the batches the leaves are appended in', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 12 }), (batches) => {
        const total = batches.reduce((sum, size) => sum + size, 0);
        const all = leaves(total);
        const stored = new Map<string, Buffer>();
        let size = 0;
        for (const batch of batches) {
          const known = new Map(
            frontier(size).map((node) => [nodeId(node), stored.get(nodeId(node))!]),
          );
          const added = all.slice(size, size + batch);
          added.forEach((hash, i) => stored.set(nodeId({ level: 0, index: size + i }), hash));
          for (const node of appendLeaves(size, added, known)) stored.set(nodeId(node), node.hash);
          size += batch;
        }
        expect(stored).toEqual(storedNodes(all));
      }),
    );
  });

  it('rejects a proof of the wrong leaf, a changed leaf, a rewritten history', () => {
    const all = leaves(21);
    const hash = hashOf(storedNodes(all));
    const root = mth(all);
    const proof = inclusionRanges(5, 21).map(hash);
    expect(verifyInclusion(6, 21, all[6], proof, root)).toBe(false);
    expect(verifyInclusion(5, 21, leafHash('leaf 5, edited'), proof, root)).toBe(false);
    // A path is only good for the size it was made for.
    expect(verifyInclusion(5, 40, all[5], proof, root)).toBe(false);
    const rewritten = [...all.slice(0, 8), leafHash('edited'), ...all.slice(9)];
    const consistency = consistencyRanges(13, 21).map(hashOf(storedNodes(rewritten)));
    expect(verifyConsistency(13, 21, mth(all.slice(0, 13)), mth(rewritten), consistency)).toBe(
      false,
    );
  });
});
