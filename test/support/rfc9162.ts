// An independent check of what the ledger serves, for the tests: RFC 9162's proofs verified
// by replaying the RFC's own recursive definitions (§2.1.3.1 PATH and §2.1.4.1 SUBPROOF)
// backwards, and C2SP signed notes opened with node's Ed25519 directly. Nothing here comes
// from Provenant's code, so a mistake there cannot hide itself.
import { createHash, createPublicKey, verify } from 'node:crypto';

const sha256 = (...parts: Buffer[]): Buffer =>
  createHash('sha256').update(Buffer.concat(parts)).digest();
export const leafHashOf = (record: string): Buffer =>
  sha256(Buffer.from([0]), Buffer.from(record, 'utf8'));
const node = (left: Buffer, right: Buffer): Buffer => sha256(Buffer.from([1]), left, right);
const split = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** The root that PATH(m, D[n]) = `path` leads to from the leaf hash, or null if ill-formed. */
export function rootFromInclusion(
  m: number,
  n: number,
  leaf: Buffer,
  path: Buffer[],
): Buffer | null {
  if (m < 0 || m >= n) return null;
  if (n === 1) return path.length === 0 ? leaf : null;
  if (path.length === 0) return null;
  const k = split(n);
  const top = path[path.length - 1];
  const rest = path.slice(0, -1);
  if (m < k) {
    const left = rootFromInclusion(m, k, leaf, rest);
    return left && node(left, top);
  }
  const right = rootFromInclusion(m - k, n - k, leaf, rest);
  return right && node(top, right);
}

/** Whether `proof` = PROOF(m, D[n]) links the root of size m to the root of size n. */
export function consistent(
  m: number,
  n: number,
  oldRoot: Buffer,
  newRoot: Buffer,
  proof: Buffer[],
): boolean {
  if (m === n) return proof.length === 0 && oldRoot.equals(newRoot);
  if (m === 0 || m > n) return false;
  const stack = [...proof];
  const walk = (
    size: number,
    total: number,
    whole: boolean,
  ): { old: Buffer; new: Buffer } | null => {
    if (size === total) {
      if (whole) return { old: oldRoot, new: oldRoot };
      const hash = stack.pop();
      return hash ? { old: hash, new: hash } : null;
    }
    const k = split(total);
    const sibling = stack.pop();
    if (!sibling) return null;
    if (size <= k) {
      const sub = walk(size, k, whole);
      return sub && { old: sub.old, new: node(sub.new, sibling) };
    }
    const sub = walk(size - k, total - k, false);
    return sub && { old: node(sibling, sub.old), new: node(sibling, sub.new) };
  };
  const roots = walk(m, n, true);
  return (
    roots !== null && stack.length === 0 && roots.old.equals(oldRoot) && roots.new.equals(newRoot)
  );
}

export interface OpenedCheckpoint {
  origin: string;
  size: number;
  root: Buffer;
}

/** Opens a checkpoint note signed by the vkey `<name>+<id hex>+<base64 0x01||key>`; throws otherwise. */
export function openCheckpoint(note: string, vkey: string): OpenedCheckpoint {
  const [name, idHex, ...keyB64] = vkey.trim().split('+');
  const key = Buffer.from(keyB64.join('+'), 'base64');
  const id = sha256(Buffer.from(`${name}\n`), key).subarray(0, 4);
  if (key[0] !== 1 || id.toString('hex') !== idHex) throw new Error('bad verifier key');
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: key.subarray(1).toString('base64url') },
    format: 'jwk',
  });
  const cut = note.lastIndexOf('\n\n');
  const text = note.slice(0, cut + 1);
  const signatures = note
    .slice(cut + 2)
    .trimEnd()
    .split('\n');
  const mine = signatures.find((line) => line.startsWith(`\u2014 ${name} `));
  if (!mine) throw new Error('not signed by the key');
  const blob = Buffer.from(mine.split(' ')[2], 'base64');
  if (
    !blob.subarray(0, 4).equals(id) ||
    !verify(null, Buffer.from(text), publicKey, blob.subarray(4))
  )
    throw new Error('bad signature');
  const [origin, size, root] = text.split('\n');
  return { origin, size: Number(size), root: Buffer.from(root, 'base64') };
}
