import { toConnection } from './connection.mapper';
import { cursorKind, decodeCursor, isBigintId } from './cursor.codec';

const ID_CURSOR = cursorKind('test', isBigintId);
const rows = ['1', '2', '3'].map((id) => ({ id }));
const byId = { cursor: ID_CURSOR, position: (row: { id: string }) => row.id };

describe('toConnection', () => {
  it('keeps `first` rows; the extra row only says that another page follows', async () => {
    const page = await toConnection(
      rows,
      { first: 2, after: undefined },
      { ...byId, nodes: (found) => found.map((row) => row.id) },
    );
    expect(page.edges.map((edge) => edge.node)).toEqual(['1', '2']);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(page.pageInfo.endCursor).toBe(page.edges[1]?.cursor);
    expect(decodeCursor(ID_CURSOR, page.pageInfo.endCursor)).toBe('2');
  });

  it('has a previous page after a cursor, and no next page without the extra row', async () => {
    const page = await toConnection(
      rows,
      { first: 3, after: '0' },
      { ...byId, nodes: (found) => found.map((row) => row.id) },
    );
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('looks the nodes up once per page, and leaves no edge for a null node', async () => {
    const nodes = jest.fn((found: readonly { id: string }[]) =>
      Promise.resolve(found.map((row) => (row.id === '2' ? null : `node ${row.id}`))),
    );
    const page = await toConnection(rows, { first: 3, after: undefined }, { ...byId, nodes });
    expect(nodes).toHaveBeenCalledTimes(1);
    expect(page.edges.map((edge) => decodeCursor(ID_CURSOR, edge.cursor))).toEqual(['1', '3']);
  });

  it('an empty page has no cursors', async () => {
    const page = await toConnection(
      [],
      { first: 2, after: undefined },
      { ...byId, nodes: () => [] },
    );
    expect(page).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });
});
