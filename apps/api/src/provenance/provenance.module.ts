import { InvestigationModule } from '@app/investigation';
import { LedgerModule } from '@app/ledger';
import { Module } from '@nestjs/common';
import { PrincipalActionsResolver } from './principal-actions.resolver';
import { ProvenanceResolver } from './provenance.resolver';

/** Provenance: who acted on whose behalf for a request, and a principal's hops. */
@Module({
  imports: [InvestigationModule, LedgerModule],
  providers: [ProvenanceResolver, PrincipalActionsResolver],
})
export class ProvenanceModule {}
