import { PIECE_CHARS, piecesOf } from './pieces-of';

describe('piecesOf', () => {
  const row = (chars: number, id = 'r') => ({ position: id, record: 'x'.repeat(chars) });

  it('keeps a batch of ordinary rows whole', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => row(1000, String(i)));
    expect(piecesOf(rows)).toEqual([rows]);
  });

  it('cuts a batch of large rows into consecutive pieces of at most PIECE_CHARS', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => row(256 * 1024, String(i)));
    const pieces = piecesOf(rows);
    expect(pieces.flat()).toEqual(rows);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces)
      expect(
        piece.reduce((sum, r) => sum + r.position.length + r.record.length, 0),
      ).toBeLessThanOrEqual(PIECE_CHARS);
  });

  it('gives a row larger than a piece a piece of its own', () => {
    const rows = [row(10), row(PIECE_CHARS + 1), row(10)];
    expect(piecesOf(rows)).toEqual([[rows[0]], [rows[1]], [rows[2]]]);
  });

  it('counts every string field of a row, not only one', () => {
    const anomaly = {
      summary: 'x'.repeat(PIECE_CHARS / 2),
      details: 'y'.repeat(PIECE_CHARS / 2),
      version: 1,
    };
    expect(piecesOf([anomaly, anomaly])).toEqual([[anomaly], [anomaly]]);
  });

  it('gives nothing for no rows', () => {
    expect(piecesOf([])).toEqual([]);
  });
});
