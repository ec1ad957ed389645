import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type PoolClient } from 'pg';
import { PrismaClient } from './generated/prisma/client';

export interface DatabaseOptions {
  url: string;
  poolSize: number;
  /** Called for every SQL statement sent (counted in metrics: proves set-based reads). */
  onQuery?: () => void;
}

/**
 * One connection pool per process, shared by Prisma (through its pg adapter) and by the
 * repositories' set-based SQL on the hot paths.
 */
@Injectable()
export class DatabaseService implements OnModuleDestroy {
  readonly pool: Pool;
  readonly prisma: PrismaClient;

  constructor(options: DatabaseOptions) {
    // Per-session planner settings for short indexed lookups on fast storage: keeps
    // `key = ANY(…)` on index scans as tables grow, and skips JIT compilation that costs
    // more than these queries themselves.
    this.pool = new Pool({
      connectionString: options.url,
      max: options.poolSize,
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

  /** Runs `work` in one transaction on one connection; rolls back on any error. */
  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async onModuleDestroy(): Promise<void> {
    await this.prisma.$disconnect();
    await this.pool.end();
  }
}
