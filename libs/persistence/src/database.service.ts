import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from './generated/prisma/client';
import { transactionOn, type Transaction } from './transaction';

export interface DatabaseOptions {
  url: string;
  poolSize: number;
  /** Shown in pg_stat_activity, so an operator (or a test) can tell the processes apart. */
  applicationName?: string;
  /** Called for every SQL statement sent (counted in metrics: proves set-based reads). */
  onQuery?: () => void;
}

/**
 * One connection pool per process, shared by Prisma (through its pg adapter) and by the
 * repositories' set-based SQL on the hot paths.
 */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  readonly pool: Pool;
  readonly prisma: PrismaClient;

  constructor(options: DatabaseOptions) {
    // Per-session planner settings for short indexed lookups on fast storage: keeps
    // `key = ANY(…)` on index scans as tables grow, and skips JIT compilation that costs
    // more than these queries themselves.
    this.pool = new Pool({
      connectionString: options.url,
      max: options.poolSize,
      application_name: options.applicationName ?? 'provenant',
      // Give up on an unreachable server instead of waiting for the OS: the caller retries.
      connectionTimeoutMillis: 10_000,
      options: '-c random_page_cost=1.1 -c jit=off',
    });
    // An idle client that errors (database restarted) must not crash the process.
    this.pool.on('error', () => undefined);
    const onQuery = options.onQuery;
    if (onQuery) {
      this.pool.on('connect', (client) => {
        const query = client.query.bind(client) as (...args: unknown[]) => unknown;
        client.query = ((...args: unknown[]) => {
          onQuery();
          return query(...args);
        }) as typeof client.query;
      });
    }
    this.prisma = new PrismaClient({ adapter: new PrismaPg(this.pool) });
  }

  /**
   * Runs `work` in one transaction on one connection; rolls back on any error. `work` passes
   * the handle to the repositories that must read or write inside it. A connection the server
   * drops while it is checked out emits `error` on the client: handled here (the pending query
   * fails and the caller decides), and the broken client is discarded.
   */
  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(transactionOn(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (!broken) await client.query('ROLLBACK').catch((rollback: Error) => (broken = rollback));
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /** Last in the shutdown order: consumers finish (and commit) their work before this. */
  async onApplicationShutdown(): Promise<void> {
    await this.prisma.$disconnect();
    await this.pool.end();
  }
}
