// Deterministic randomness (mulberry32): the same seed gives the same traffic, the same
// shuffle and the same sample on every run, so a failing order or a measured sample can be
// replayed.

/** A generator of numbers in [0, 1) for `seed`. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Fisher-Yates shuffle of a copy of `items`. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A light shuffle of a stream: each item moves by at most `window` places. */
export function* lightlyShuffled<T>(
  items: Iterable<T>,
  window: number,
  seed: number,
): Generator<T> {
  const random = seededRandom(seed);
  const buffer: T[] = [];
  const takeOne = () => {
    const i = Math.floor(random() * buffer.length);
    const item = buffer[i];
    buffer[i] = buffer[buffer.length - 1];
    buffer.pop();
    return item;
  };
  for (const item of items) {
    buffer.push(item);
    if (buffer.length >= window) yield takeOne();
  }
  while (buffer.length > 0) yield takeOne();
}
