import { formatCheckpoint, parseCheckpoint } from './checkpoint';
import {
  generateSignerKey,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from './signed-note';

// The example of golang.org/x/mod/sumdb/note (its documentation and note_test.go), which
// c2sp.org/signed-note describes.
const SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const NOTE = `${TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('signed notes', () => {
  it('signs and verifies exactly as the reference implementation', () => {
    const signer = parseSignerKey(SKEY);
    expect(signer.verifierKey).toBe(VKEY);
    expect(signNote(TEXT, signer)).toBe(NOTE);
    expect(openNote(NOTE, parseVerifierKey(VKEY))).toBe(TEXT);
  });

  it('refuses an edited text, another key, a missing signature', () => {
    const verifier = parseVerifierKey(VKEY);
    expect(() => openNote(NOTE.replace('cryptography', 'cryptographY'), verifier)).toThrow(
      /does not verify/,
    );
    const other = parseSignerKey(generateSignerKey('PeterNeumann'));
    expect(() => openNote(signNote(TEXT, other), verifier)).toThrow(/no signature/);
    expect(() => openNote(TEXT, verifier)).toThrow(/malformed/);
  });

  it('refuses malformed keys and a key id that does not match its key', () => {
    expect(() =>
      parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    ).toThrow(/key id/);
    expect(() => parseVerifierKey('nonsense')).toThrow(/malformed/);
    expect(() => parseSignerKey(VKEY)).toThrow(/malformed/);
  });

  it('reads keys whose base64 holds a +', () => {
    for (let i = 0; i < 20; i += 1) {
      const signer = parseSignerKey(generateSignerKey('ledger.example/provenant'));
      expect(parseVerifierKey(signer.verifierKey).keyId).toEqual(signer.keyId);
    }
  });

  it('writes and reads a checkpoint, signed by a generated key', () => {
    const signer = parseSignerKey(generateSignerKey('ledger.example/provenant'));
    const root = Buffer.alloc(32, 7);
    const text = formatCheckpoint({ origin: 'ledger.example/provenant', size: 1234, root });
    expect(text).toBe(`ledger.example/provenant\n1234\n${root.toString('base64')}\n`);
    const note = signNote(text, signer);
    expect(parseCheckpoint(openNote(note, parseVerifierKey(signer.verifierKey)))).toEqual({
      origin: 'ledger.example/provenant',
      size: 1234,
      root,
    });
    expect(() => parseCheckpoint('origin\n12x\nAAAA\n')).toThrow(/malformed/);
  });
});
