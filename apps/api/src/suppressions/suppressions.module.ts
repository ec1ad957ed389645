import { TriageModule } from '@app/triage';
import { Module } from '@nestjs/common';
import { SuppressionsResolver } from './suppressions.resolver';

/** Suppressions: admins silencing known anomalies of their tenants, audited. */
@Module({ imports: [TriageModule], providers: [SuppressionsResolver] })
export class SuppressionsModule {}
