import { GraphQLError } from 'graphql';
import { cursorKind, decodeCursor, encodeCursor, isBigintId } from './cursor.codec';

const ANOMALY = cursorKind('anomaly', isBigintId);
const POSITION = cursorKind(
  'position',
  (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0,
);

describe('cursor codec', () => {
  it('round-trips a value, as opaque base64url text', () => {
    const cursor = encodeCursor(ANOMALY, '42');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(ANOMALY, cursor)).toBe('42');
    expect(decodeCursor(ANOMALY, undefined)).toBeUndefined();
    expect(decodeCursor(ANOMALY, null)).toBeUndefined();
  });

  it.each([
    ['another kind', encodeCursor(POSITION, 3)],
    [
      'a value that fails the check',
      Buffer.from('anomaly:"99999999999999999999"').toString('base64url'),
    ],
    ['no JSON', Buffer.from('anomaly:{').toString('base64url')],
    ['not base64url at all', '%%%'],
  ])('refuses %s as BAD_USER_INPUT', (_case, cursor) => {
    let refused: unknown;
    try {
      decodeCursor(ANOMALY, cursor);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(GraphQLError);
    expect((refused as GraphQLError).message).toBe('invalid cursor');
    expect((refused as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
  });
});
