// `npm run verify`: checks what the ledger's server says without trusting it. Its only
// inputs are files (and the verifier key): a signed checkpoint, proofs and records. The
// key is the one thing to obtain out of band (GET /v1/ledger/key, `npm run -s ledger:key`,
// or the operator's published copy).
//
//   npm run verify -- --key KEY --checkpoint CHECKPOINT
//       the checkpoint is signed by the key;
//   ... --previous OLD_CHECKPOINT --consistency PROOF.json
//       the ledger of CHECKPOINT extends OLD_CHECKPOINT (PROOF: GET /v1/ledger/proof/consistency);
//   ... --bundle PROOF.json
//       each record of a request's `proof` (GraphQL `provenance { proof { … } }`) is a leaf of
//       the bundle's own checkpoint, which the key signed;
//   ... --records EXPORT.ndjson --proofs PROOFS.ndjson
//       each NDJSON export line is a leaf of CHECKPOINT (PROOFS: one GET
//       /v1/ledger/proof/inclusion answer per line, for the checkpoint's size).
// KEY is the key text (`<name>+<id>+<base64>`) or a file holding it. Prints one line per
// check; exits 1 when any fails, 2 on bad arguments.
import {
  leafHash,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  verifyConsistency,
  verifyInclusion,
  type Checkpoint,
  type NoteVerifier,
} from '@app/ledger';
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

let failures = 0;
const ok = (line: string) => process.stdout.write(`ok    ${line}\n`);
const fail = (line: string) => {
  failures += 1;
  process.stdout.write(`FAIL  ${line}\n`);
};
const read = (path: string) => readFileSync(path, 'utf8');
const hash = (b64: string) => Buffer.from(b64, 'base64');

function checkpointOf(note: string, verifier: NoteVerifier, label: string): Checkpoint | null {
  try {
    const checkpoint = parseCheckpoint(openNote(note, verifier));
    ok(`${label}: ${checkpoint.origin}, ${checkpoint.size} leaves, signed by ${verifier.name}`);
    return checkpoint;
  } catch (error) {
    fail(`${label}: ${(error as Error).message}`);
    return null;
  }
}

interface LeafProof {
  leafIndex: number;
  treeSize?: number;
  auditPath: string[];
  eventId?: string;
}

function checkRecord(record: string, proof: LeafProof, checkpoint: Checkpoint): void {
  const label = `record at leaf ${proof.leafIndex}${proof.eventId ? ` (event ${proof.eventId})` : ''}`;
  if (proof.treeSize !== undefined && proof.treeSize !== checkpoint.size) {
    fail(
      `${label}: its proof is for size ${proof.treeSize}, the checkpoint's is ${checkpoint.size}`,
    );
    return;
  }
  const included = verifyInclusion(
    proof.leafIndex,
    checkpoint.size,
    leafHash(record),
    proof.auditPath.map(hash),
    checkpoint.root,
  );
  if (included) ok(`${label}: in the ledger as stored`);
  else
    fail(`${label}: not in the ledger of the checkpoint as it is (edited, or the proof is wrong)`);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      key: { type: 'string' },
      checkpoint: { type: 'string' },
      previous: { type: 'string' },
      consistency: { type: 'string' },
      bundle: { type: 'string' },
      records: { type: 'string' },
      proofs: { type: 'string' },
    },
  });
  if (!values.key || (!values.checkpoint && !values.bundle)) {
    process.stderr.write(
      'usage: npm run verify -- --key KEY (--checkpoint FILE | --bundle FILE) …\n',
    );
    process.exit(2);
  }
  const verifier = parseVerifierKey(existsSync(values.key) ? read(values.key) : values.key);
  const checkpoint = values.checkpoint
    ? checkpointOf(read(values.checkpoint), verifier, 'checkpoint')
    : null;

  if (values.previous && checkpoint) {
    const previous = checkpointOf(read(values.previous), verifier, 'previous checkpoint');
    const proof = values.consistency
      ? (JSON.parse(read(values.consistency)) as { from: number; to: number; proof: string[] })
      : null;
    if (previous && proof) {
      const consistent =
        previous.origin === checkpoint.origin &&
        proof.from === previous.size &&
        proof.to === checkpoint.size &&
        verifyConsistency(
          previous.size,
          checkpoint.size,
          previous.root,
          checkpoint.root,
          proof.proof.map(hash),
        );
      if (consistent) ok(`consistency: ${previous.size} -> ${checkpoint.size}, nothing rewritten`);
      else
        fail(
          `consistency: the ledger of ${checkpoint.size} leaves does not extend the one of ${previous.size}`,
        );
    } else if (previous) fail('consistency: --consistency PROOF.json is missing');
  }

  if (values.bundle) {
    const bundle = JSON.parse(read(values.bundle)) as {
      checkpoint: string;
      leaves: Array<LeafProof & { record: string }>;
    };
    const signed = checkpointOf(bundle.checkpoint, verifier, 'bundle checkpoint');
    if (signed) for (const leaf of bundle.leaves) checkRecord(leaf.record, leaf, signed);
  }

  if (values.records && checkpoint) {
    const records = read(values.records).split('\n').filter(Boolean);
    const proofs = values.proofs
      ? read(values.proofs)
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as LeafProof)
      : [];
    if (proofs.length !== records.length)
      fail(`records: ${records.length} records but ${proofs.length} proofs`);
    records.forEach((record, i) => {
      if (proofs[i]) checkRecord(record, proofs[i], checkpoint);
    });
  }
  process.stdout.write(failures === 0 ? 'all checks passed\n' : `${failures} check(s) failed\n`);
  process.exit(failures === 0 ? 0 : 1);
}

main();
