/**
 * A timestamp column as the text `Date.toISOString` writes (UTC, milliseconds): the database
 * formats it, not each row's Date on the way out.
 */
export const isoText = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
