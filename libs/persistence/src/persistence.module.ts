import { type DynamicModule, Module } from '@nestjs/common';
import { DatabaseService, type DatabaseOptions } from './database.service';
import { EventStoreRepository } from './event-store.repository';
import { RequestGraphRepository } from './request-graph.repository';
import { AnomalyRepository } from './anomaly.repository';
import { PrincipalRepository } from './principal.repository';
import { TokenRepository } from './token.repository';
import { OutboxRepository } from './outbox.repository';
import { LedgerRepository } from './ledger.repository';
import { HopParentWaitRepository } from './hop-parent-wait.repository';
import { ExportRepository } from './export.repository';
import { PolicyReplayRepository } from './policy-replay.repository';
import { SuppressionRepository } from './suppression.repository';
import { TenantDirectoryRepository } from './tenant-directory.repository';
import { RequestSearchRepository } from './request-search.repository';
import type { LifecycleAuthorities } from '@app/contract';
import { LIFECYCLE_AUTHORITIES } from './persistence.tokens';

export interface PersistenceOptions extends DatabaseOptions {
  /** Tenants trusted to report lifecycle facts for others (default: none). */
  lifecycleAuthorities?: LifecycleAuthorities;
}

/** The database at the edge: the shared pool, Prisma, and the repositories. */
@Module({})
export class PersistenceModule {
  static forRoot({ lifecycleAuthorities, ...options }: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      providers: [
        { provide: DatabaseService, useValue: new DatabaseService(options) },
        { provide: LIFECYCLE_AUTHORITIES, useValue: Object.freeze({ ...lifecycleAuthorities }) },
        EventStoreRepository,
        RequestGraphRepository,
        AnomalyRepository,
        PrincipalRepository,
        TokenRepository,
        OutboxRepository,
        LedgerRepository,
        HopParentWaitRepository,
        ExportRepository,
        PolicyReplayRepository,
        SuppressionRepository,
        TenantDirectoryRepository,
        RequestSearchRepository,
      ],
      exports: [
        DatabaseService,
        EventStoreRepository,
        RequestGraphRepository,
        AnomalyRepository,
        PrincipalRepository,
        TokenRepository,
        OutboxRepository,
        LedgerRepository,
        HopParentWaitRepository,
        ExportRepository,
        PolicyReplayRepository,
        SuppressionRepository,
        TenantDirectoryRepository,
        RequestSearchRepository,
      ],
    };
  }
}
