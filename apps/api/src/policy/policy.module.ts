import { InvestigationModule } from '@app/investigation';
import { Module } from '@nestjs/common';
import { PolicyResolver } from './policy.resolver';

/** Policy: what a proposed anomaly policy would change, before anyone deploys it. */
@Module({ imports: [InvestigationModule], providers: [PolicyResolver] })
export class PolicyModule {}
