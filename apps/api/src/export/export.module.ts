import { APP_CONFIG, type ApiEnv } from '@app/config';
import { ExportModule as ExportUseCases } from '@app/export';
import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { InvestigationModule } from '@app/investigation';
import { ExportController } from './export.controller';
import { ProvenanceExportController } from './provenance-export.controller';
import { ExportThrottlerGuard } from './export-throttler.guard';

/** Exports over HTTP: the SIEM pages of events and anomalies, a request's PROV document; rate limited per caller. */
@Module({
  imports: [
    ExportUseCases,
    InvestigationModule,
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: ApiEnv) => [
        { limit: config.EXPORT_RATE_LIMIT, ttl: config.EXPORT_RATE_WINDOW_MS },
      ],
    }),
  ],
  controllers: [ExportController, ProvenanceExportController],
  providers: [ExportThrottlerGuard],
})
export class ExportHttpModule {}
