import { createHash } from 'node:crypto';
import { leafHash, nodeHash } from './merkle-hash';

describe('RFC 9162 hashes', () => {
  it('hashes the empty leaf as certificate transparency does', () => {
    // SHA-256 of the single byte 0x00: the leaf hash of an empty entry in RFC 6962's test
    // vectors (and in Go's transparency-dev/merkle).
    expect(leafHash('').toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });

  it('prefixes leaves with 0x00 and nodes with 0x01, so a leaf never passes for a node', () => {
    const left = leafHash('a');
    const right = leafHash('b');
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from([1]), left, right]))
      .digest();
    expect(nodeHash(left, right)).toEqual(expected);
    // The same 64 bytes as a leaf's content hash differently.
    expect(leafHash(Buffer.concat([left, right]).toString('latin1'))).not.toEqual(expected);
  });

  it('hashes the record as UTF-8', () => {
    const record = '{"summary":"café ☕ 𝄞"}';
    expect(leafHash(record)).toEqual(
      createHash('sha256')
        .update(Buffer.concat([Buffer.from([0]), Buffer.from(record, 'utf8')]))
        .digest(),
    );
  });
});
