import { Roles, type Caller } from '@app/auth';
import { InvestigationService } from '@app/investigation';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { PrincipalArgs } from './dto/principal.args';
import { Principal } from './models/principal.model';
import { toPrincipal } from './principal.mapper';

/** `Principal.actions` is resolved by the provenance feature: a principal's hops. */
@Resolver(() => Principal)
export class PrincipalsResolver {
  constructor(private readonly investigation: InvestigationService) {}

  @Query(() => Principal, {
    nullable: true,
    description: 'A principal by identity; null if unknown or not visible.',
    complexity: ({ childComplexity }) => 2 + childComplexity,
  })
  @Roles('investigator')
  async principal(
    @Args() { tenant, issuer, id }: PrincipalArgs,
    @CurrentCaller() caller: Caller,
  ): Promise<Principal | null> {
    const view = await this.investigation.principal(caller.scope, { tenant, issuer, subject: id });
    return view ? toPrincipal(view) : null;
  }
}
