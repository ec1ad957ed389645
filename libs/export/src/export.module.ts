import { Module } from '@nestjs/common';
import { ExportService } from './export.service';

/** The export use cases; needs PersistenceModule (global) imported by the application. */
@Module({ providers: [ExportService], exports: [ExportService] })
export class ExportModule {}
