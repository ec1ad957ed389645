import { InvestigationModule } from '@app/investigation';
import { Module } from '@nestjs/common';
import { TokensResolver } from './tokens.resolver';

/** Tokens: a token's lineage, the blast radius of a leak. */
@Module({ imports: [InvestigationModule], providers: [TokensResolver] })
export class TokensModule {}
