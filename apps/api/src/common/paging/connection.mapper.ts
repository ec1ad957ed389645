import type { Connection } from './connection.model';
import { encodeCursor, type CursorKind } from './cursor.codec';

export interface ConnectionPage<Position> {
  /** The page size asked for (`first`, checked); the rows were fetched with `first + 1`. */
  first: number;
  /** The decoded `after` cursor, if the client sent one. */
  after: Position | undefined;
}

export interface ConnectionMapping<Row, Node, Position> {
  /** The kind each edge's cursor is encoded as: the client sees only opaque text. */
  cursor: CursorKind<Position>;
  /** Where a row stands in the list: what `after` decodes to on the next request. */
  position: (row: Row, index: number) => Position;
  /**
   * The page's nodes, in the rows' order (all at once, so that they can be looked up with
   * one query); a null leaves no edge (a row whose node the caller may no longer see).
   */
  nodes: (rows: readonly Row[]) => readonly (Node | null)[] | Promise<readonly (Node | null)[]>;
}

/**
 * The one way a list becomes a Relay connection: `fetched` holds up to `first + 1` rows
 * after the `after` cursor, and the extra row only says that another page follows.
 */
export async function toConnection<Row, Node, Position>(
  fetched: readonly Row[],
  { first, after }: ConnectionPage<Position>,
  { cursor, position, nodes }: ConnectionMapping<Row, Node, Position>,
): Promise<Connection<Node>> {
  const rows = fetched.slice(0, first);
  const found = await nodes(rows);
  const edges = rows.flatMap((row, index) => {
    const node = found[index] ?? null;
    return node === null ? [] : [{ cursor: encodeCursor(cursor, position(row, index)), node }];
  });
  return {
    edges,
    pageInfo: {
      hasNextPage: fetched.length > first,
      hasPreviousPage: after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
