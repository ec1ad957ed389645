import { Module } from '@nestjs/common';
import { ExportService } from './export.service';
import { ExportLineWorker } from './lines/export-line-worker';

/** The export use cases; needs PersistenceModule (global) imported by the application. */
@Module({ providers: [ExportService, ExportLineWorker], exports: [ExportService] })
export class ExportModule {}
