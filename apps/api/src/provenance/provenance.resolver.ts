import { Roles, type Caller } from '@app/auth';
import { InvestigationService } from '@app/investigation';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { ProvenanceArgs } from './dto/provenance.args';
import { Provenance } from './models/provenance.model';
import { toProvenance } from './provenance.mapper';

@Resolver(() => Provenance)
export class ProvenanceResolver {
  constructor(private readonly investigation: InvestigationService) {}

  @Query(() => Provenance, {
    nullable: true,
    description: 'Null if the request is unknown or not visible to the caller.',
    // A reconstruction: a handful of set-based queries and the chain built in memory.
    complexity: ({ childComplexity }) => 25 + childComplexity,
  })
  @Roles('investigator')
  async provenance(
    @Args() { requestId }: ProvenanceArgs,
    @CurrentCaller() caller: Caller,
  ): Promise<Provenance | null> {
    const answer = await this.investigation.provenance(caller.scope, requestId);
    return answer ? toProvenance(answer) : null;
  }
}
