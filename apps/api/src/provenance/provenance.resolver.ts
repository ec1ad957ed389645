import { Roles, type Caller } from '@app/auth';
import { InvestigationService } from '@app/investigation';
import { LedgerProofs } from '@app/ledger';
import { Args, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { ProvenanceArgs } from './dto/provenance.args';
import { LedgerProof } from './models/ledger-proof.model';
import { Provenance } from './models/provenance.model';
import { toProvenance } from './provenance.mapper';

@Resolver(() => Provenance)
export class ProvenanceResolver {
  constructor(
    private readonly investigation: InvestigationService,
    private readonly proofs: LedgerProofs,
  ) {}

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

  @ResolveField(() => LedgerProof, {
    nullable: true,
    description:
      'The events of this request the caller may see, each proven against the latest signed checkpoint; null before the first checkpoint.',
    complexity: 10,
  })
  async proof(
    @Parent() provenance: Provenance,
    @CurrentCaller() caller: Caller,
  ): Promise<LedgerProof | null> {
    const proof = await this.proofs.requestProof(caller.scope, provenance.requestId);
    if (!proof) return null;
    const b64 = (hash: Buffer) => hash.toString('base64');
    return {
      checkpoint: proof.checkpoint.note,
      treeSize: proof.checkpoint.treeSize,
      rootHash: b64(proof.checkpoint.rootHash),
      leaves: proof.leaves.map((leaf) => ({
        eventId: leaf.eventId,
        leafIndex: leaf.leafIndex,
        leafHash: b64(leaf.leafHash),
        auditPath: leaf.auditPath.map(b64),
        record: leaf.record,
      })),
      pending: proof.pending,
    };
  }
}
