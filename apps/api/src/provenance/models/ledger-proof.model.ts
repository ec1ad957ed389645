import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'One event of the answer, proven to be a leaf of the ledger.' })
export class ProvenLeaf {
  @Field({ description: 'The store’s id of the event (its record’s provenantuid).' })
  eventId!: string;
  @Field(() => Int) leafIndex!: number;
  @Field({ description: 'SHA-256(0x00 || record), base64.' }) leafHash!: string;
  @Field(() => [String], { description: 'RFC 9162 §2.1.3 audit path, base64, leaf upward.' })
  auditPath!: string[];
  @Field({ description: 'The event as the ledger holds it (RFC 8785 canonical JSON).' })
  record!: string;
}

@ObjectType({
  description:
    'The events this answer was built from, each with an inclusion proof against one signed checkpoint: verifiable offline with the ledger’s verifier key (`npm run verify`).',
})
export class LedgerProof {
  @Field({ description: 'The signed checkpoint (C2SP signed note).' }) checkpoint!: string;
  @Field(() => Int) treeSize!: number;
  @Field({ description: 'The checkpoint’s root hash, base64.' }) rootHash!: string;
  @Field(() => [ProvenLeaf]) leaves!: ProvenLeaf[];
  @Field(() => [String], {
    description: 'Events of the request stored after the checkpoint: a later one proves them.',
  })
  pending!: string[];
}
