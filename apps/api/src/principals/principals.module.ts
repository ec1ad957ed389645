import { InvestigationModule } from '@app/investigation';
import { Module } from '@nestjs/common';
import { PrincipalsResolver } from './principals.resolver';

/** Principals: a principal by identity, and the principal search (its actions belong to the provenance feature). */
@Module({ imports: [InvestigationModule], providers: [PrincipalsResolver] })
export class PrincipalsModule {}
