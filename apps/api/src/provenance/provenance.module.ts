import { InvestigationModule } from '@app/investigation';
import { Module } from '@nestjs/common';
import { PrincipalActionsResolver } from './principal-actions.resolver';
import { ProvenanceResolver } from './provenance.resolver';

/** Provenance: who acted on whose behalf for a request, and a principal's hops. */
@Module({
  imports: [InvestigationModule],
  providers: [ProvenanceResolver, PrincipalActionsResolver],
})
export class ProvenanceModule {}
