import { badUserInput } from '../user-input.error';

/**
 * What one list's cursors hold: a prefix that keeps one list's cursor out of another, and
 * the check a decoded value must pass (a cursor comes back from the client).
 */
export interface CursorKind<T> {
  readonly prefix: string;
  readonly valid: (value: unknown) => value is T;
}

export const cursorKind = <T>(
  prefix: string,
  valid: (value: unknown) => value is T,
): CursorKind<T> => ({ prefix, valid });

/** Opaque Relay cursors: base64url of a prefixed JSON value. */
export const encodeCursor = <T>(kind: CursorKind<T>, value: T): string =>
  Buffer.from(`${kind.prefix}:${JSON.stringify(value)}`).toString('base64url');

export function decodeCursor<T>(
  kind: CursorKind<T>,
  cursor: string | undefined | null,
): T | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (text.startsWith(`${kind.prefix}:`)) {
    try {
      const value: unknown = JSON.parse(text.slice(kind.prefix.length + 1));
      if (kind.valid(value)) return value;
    } catch {
      // fall through: a malformed cursor is the caller's mistake, said plainly below
    }
  }
  throw badUserInput('invalid cursor');
}

/** A database id (a positive bigint) as text. */
export const isBigintId = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{1,19}$/.test(value) && BigInt(value) <= 2n ** 63n - 1n;
