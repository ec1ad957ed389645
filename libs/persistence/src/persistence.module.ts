import { type DynamicModule, Module } from '@nestjs/common';
import { DatabaseService, type DatabaseOptions } from './database.service';
import { EventStoreRepository } from './event-store.repository';
import { RequestGraphRepository } from './request-graph.repository';
import { AnomalyRepository } from './anomaly.repository';
import { PrincipalRepository } from './principal.repository';
import { TokenRepository } from './token.repository';
import { OutboxRepository } from './outbox.repository';

/** The database at the edge: the shared pool, Prisma, and the repositories. */
@Module({})
export class PersistenceModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      providers: [
        { provide: DatabaseService, useValue: new DatabaseService(options) },
        EventStoreRepository,
        RequestGraphRepository,
        AnomalyRepository,
        PrincipalRepository,
        TokenRepository,
        OutboxRepository,
      ],
      exports: [
        DatabaseService,
        EventStoreRepository,
        RequestGraphRepository,
        AnomalyRepository,
        PrincipalRepository,
        TokenRepository,
        OutboxRepository,
      ],
    };
  }
}
