import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

// The C2SP signed-note format (c2sp.org/signed-note), with Ed25519 keys written as Go's
// golang.org/x/mod/sumdb/note writes them: a verifier key is `<name>+<key id hex>+<base64 of
// 0x01 || public key>`, a signer key `PRIVATE+KEY+<name>+<key id hex>+<base64 of 0x01 ||
// seed>`; the key id is the first four bytes of SHA-256(name || 0x0A || 0x01 || public key).
// A note is its text, a blank line, then lines `— <name> <base64 of key id || signature>`.

const ED25519 = 0x01;
const SIGNATURE_PREFIX = '\u2014 ';
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface NoteSigner {
  name: string;
  keyId: Buffer;
  privateKey: KeyObject;
  /** The verifier key, as auditors and witnesses hold it. */
  verifierKey: string;
}

export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  publicKey: KeyObject;
}

export class SignedNoteError extends Error {}

const validName = (name: string): boolean => name.length > 0 && !/[\s+]/u.test(name);

const keyIdOf = (name: string, publicKey: Buffer): Buffer =>
  createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ED25519]), publicKey]))
    .digest()
    .subarray(0, 4);

const rawPublicKey = (key: KeyObject): Buffer =>
  Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');

/** A verifier key (`name+keyid+base64`) read and checked. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  // The base64 may hold '+' itself: it is everything after the second '+'.
  const [name, hex, ...encoded] = vkey.trim().split('+');
  const bytes = Buffer.from(encoded.join('+'), 'base64');
  if (encoded.length === 0 || !validName(name) || !/^[0-9a-f]{8}$/.test(hex ?? ''))
    throw new SignedNoteError('malformed verifier key');
  if (bytes.length !== 33 || bytes[0] !== ED25519)
    throw new SignedNoteError('the verifier key is not an Ed25519 key');
  const raw = bytes.subarray(1);
  if (!keyIdOf(name, raw).equals(Buffer.from(hex, 'hex')))
    throw new SignedNoteError('the verifier key id does not match its key');
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
  return { name, keyId: Buffer.from(hex, 'hex'), publicKey };
}

/** A signer key (`PRIVATE+KEY+name+keyid+base64`) read and checked. */
export function parseSignerKey(skey: string): NoteSigner {
  const parts = skey.trim().split('+');
  // The base64 may hold '+' itself: it is everything after the fourth '+'.
  const [p, k, name, hex] = parts;
  const bytes = Buffer.from(parts.slice(4).join('+'), 'base64');
  if (p !== 'PRIVATE' || k !== 'KEY' || !validName(name) || !/^[0-9a-f]{8}$/.test(hex ?? ''))
    throw new SignedNoteError('malformed signer key');
  if (bytes.length !== 33 || bytes[0] !== ED25519)
    throw new SignedNoteError('the signer key is not an Ed25519 key');
  // An Ed25519 seed as PKCS#8 (RFC 8410): a fixed 16-byte prefix, then the seed.
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, bytes.subarray(1)]),
    format: 'der',
    type: 'pkcs8',
  });
  const raw = rawPublicKey(createPublicKey(privateKey));
  const keyId = keyIdOf(name, raw);
  if (!keyId.equals(Buffer.from(hex, 'hex')))
    throw new SignedNoteError('the signer key id does not match its key');
  const verifierKey = `${name}+${hex}+${Buffer.concat([Buffer.from([ED25519]), raw]).toString('base64')}`;
  return { name, keyId, privateKey, verifierKey };
}

/** A new signer key for `name`, in the signer-key text form. */
export function generateSignerKey(name: string): string {
  if (!validName(name)) throw new SignedNoteError('a key name is non-empty, without spaces or +');
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  const hex = keyIdOf(name, rawPublicKey(publicKey)).toString('hex');
  return `PRIVATE+KEY+${name}+${hex}+${Buffer.concat([Buffer.from([ED25519]), seed]).toString('base64')}`;
}

/** `text` (ending with a newline) signed: the note. */
export function signNote(text: string, signer: NoteSigner): string {
  if (!text.endsWith('\n') || text.includes('\n\n'))
    throw new SignedNoteError('a note text ends with a newline and has no blank line');
  const signature = sign(null, Buffer.from(text, 'utf8'), signer.privateKey);
  const blob = Buffer.concat([signer.keyId, signature]).toString('base64');
  return `${text}\n${SIGNATURE_PREFIX}${signer.name} ${blob}\n`;
}

/** The text of `note` if `verifier` signed it; throws otherwise. Other signatures are ignored. */
export function openNote(note: string, verifier: NoteVerifier): string {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new SignedNoteError('malformed note');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw new SignedNoteError('malformed signature line');
    const [name, blob] = line.slice(SIGNATURE_PREFIX.length).split(' ');
    const bytes = Buffer.from(blob ?? '', 'base64');
    if (
      name !== verifier.name ||
      bytes.length !== 68 ||
      !bytes.subarray(0, 4).equals(verifier.keyId)
    )
      continue;
    if (verify(null, Buffer.from(text, 'utf8'), verifier.publicKey, bytes.subarray(4))) return text;
    throw new SignedNoteError(`the signature of ${name} does not verify`);
  }
  throw new SignedNoteError(`no signature of ${verifier.name}`);
}
