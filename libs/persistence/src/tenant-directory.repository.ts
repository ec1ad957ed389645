import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service';

/**
 * The tenants whose gateways reported anything, for the development sign-in's tenant
 * picker only (the API offers it outside production alone): the one read that is not
 * scoped to a caller's tenants, and it returns nothing but their names.
 */
@Injectable()
export class TenantDirectoryRepository {
  constructor(private readonly database: DatabaseService) {}

  async reportingTenants(limit: number): Promise<string[]> {
    const { rows } = await this.database.pool.query<{ tenant: string }>(
      'SELECT DISTINCT reporter AS tenant FROM principals ORDER BY 1 LIMIT $1',
      [limit],
    );
    return rows.map((row) => row.tenant);
  }
}
