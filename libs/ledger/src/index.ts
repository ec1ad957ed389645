// The ledger: every stored event as a leaf of an append-only Merkle tree in the RFC 9162
// structure. Owns the record's canonical bytes, the leaf and node hashes, and the
// integration of placed events into leaves.
export * from './ledger-record';
export * from './merkle-hash';
export * from './ledger-integrator.service';
export * from './ledger.module';
export * from './merkle-tree';
export * from './merkle-verify';
export * from './signed-note';
export * from './checkpoint';
export * from './ledger-tree.service';
export * from './checkpoint-signer.service';
export * from './ledger-self-check.service';
export * from './ledger-proofs.service';
