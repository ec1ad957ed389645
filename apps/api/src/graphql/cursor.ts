import { badUserInput } from './user-input';

/** Opaque Relay cursors: base64url of a prefixed JSON value. */
export const encodeCursor = (kind: string, value: unknown): string =>
  Buffer.from(`${kind}:${JSON.stringify(value)}`).toString('base64url');

export function decodeCursor<T>(
  kind: string,
  cursor: string | undefined | null,
  valid: (value: unknown) => value is T,
): T | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (text.startsWith(`${kind}:`)) {
    try {
      const value: unknown = JSON.parse(text.slice(kind.length + 1));
      if (valid(value)) return value;
    } catch {
      // fall through: a malformed cursor is the caller's mistake, said plainly below
    }
  }
  throw badUserInput('invalid cursor');
}

/** A database id (a positive bigint) as text. */
export const isBigintId = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{1,19}$/.test(value) && BigInt(value) <= 2n ** 63n - 1n;

export const MAX_PAGE = 500;

export function pageSize(first: number | undefined | null, fallback = 50): number {
  if (first === undefined || first === null) return fallback;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE)
    throw badUserInput(`first must be between 1 and ${MAX_PAGE}`);
  return first;
}
