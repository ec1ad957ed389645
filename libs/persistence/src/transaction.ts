import type { PoolClient } from 'pg';

const CLIENT = Symbol('client');

/**
 * An open database transaction, handed out by `DatabaseService.transaction`. Whoever opens it
 * (a use case) decides what commits together, and passes it to each repository method that
 * must run inside it. Opaque outside this library: SQL stays in the repositories.
 */
export interface Transaction {
  readonly [CLIENT]: PoolClient;
}

/** For DatabaseService only: the handle of a transaction begun on `client`. */
export const transactionOn = (client: PoolClient): Transaction =>
  Object.freeze({ [CLIENT]: client });

/** For repositories only: the connection the transaction runs on. */
export const clientOf = (tx: Transaction): PoolClient => tx[CLIENT];
