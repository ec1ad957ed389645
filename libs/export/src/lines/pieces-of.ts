// A request holds rows of at most about this many characters: a batch of ordinary events
// (1,000 of about 1 kB) is one piece, and a batch of the largest the contract accepts (1,000
// of 256 kB) goes in pieces, so the formatting thread's heap holds a piece, never a batch.
export const PIECE_CHARS = 1 << 20;

/** The characters of a row's strings: what parsing and rebuilding it costs, roughly. */
const charsOf = (row: object): number =>
  Object.values(row).reduce<number>(
    (sum, value) => sum + (typeof value === 'string' ? value.length : 0),
    0,
  );

/** `rows` in consecutive pieces of at most PIECE_CHARS characters (a larger row alone). */
export function piecesOf<R extends object>(rows: R[]): R[][] {
  const pieces: R[][] = [];
  let piece: R[] = [];
  let chars = 0;
  for (const row of rows) {
    const size = charsOf(row);
    if (piece.length > 0 && chars + size > PIECE_CHARS) {
      pieces.push(piece);
      piece = [];
      chars = 0;
    }
    piece.push(row);
    chars += size;
  }
  if (piece.length > 0) pieces.push(piece);
  return pieces;
}
