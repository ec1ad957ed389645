import { createHash } from 'node:crypto';

// RFC 9162 §2.1.1: leaves and interior nodes are hashed with distinct one-byte prefixes, so
// that no leaf can pass for a node (second-preimage attacks on the tree).
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** SHA-256(0x00 || record bytes): the hash of one leaf. */
export const leafHash = (record: string): Buffer =>
  createHash('sha256').update(LEAF_PREFIX).update(record, 'utf8').digest();

/** SHA-256(0x01 || left || right): the hash of an interior node. */
export const nodeHash = (left: Buffer, right: Buffer): Buffer =>
  createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
