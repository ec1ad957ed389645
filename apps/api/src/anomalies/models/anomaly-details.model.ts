import { Field, Int, ObjectType } from '@nestjs/graphql';

/**
 * What a rule recorded about its finding, typed. Each rule fills the fields that describe
 * it; the others are null. `raw` is the stored JSON, for whatever a field does not show.
 */
@ObjectType({
  description: "A rule's details about its finding; fields it does not record are null.",
})
export class AnomalyDetails {
  @Field(() => String, { nullable: true, description: 'The hop the finding is about.' })
  hopId!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The offending token, by key (`jti:<issuer>#<jti>` or `sha256:<hex>`).',
  })
  offendingToken!: string | null;
  @Field(() => String, { nullable: true, description: 'The token it was exchanged from.' })
  parentToken!: string | null;
  @Field(() => String, { nullable: true, description: 'Who acted (its id).' })
  principal!: string | null;
  @Field(() => String, { nullable: true, description: "The acting principal's issuer." })
  principalIssuer!: string | null;
  @Field(() => String, { nullable: true, description: "The token's issuer." })
  issuer!: string | null;
  @Field(() => String, { nullable: true, description: 'The service the hop called.' })
  targetService!: string | null;
  @Field(() => [String], {
    nullable: true,
    description: 'The audience of the presented token: where it was meant to be used.',
  })
  tokenAudience!: string[] | null;
  @Field(() => [String], {
    nullable: true,
    description: 'Scopes the delegated token carries beyond its parent.',
  })
  addedScopes!: string[] | null;
  @Field(() => Boolean, { nullable: true }) revoked!: boolean | null;
  @Field(() => Boolean, { nullable: true }) expired!: boolean | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Int, { nullable: true, description: 'Delegates after the origin.' })
  depth!: number | null;
  @Field(() => Int, { nullable: true, description: 'The policy maximum of delegates.' })
  maxDepth!: number | null;
  @Field(() => [String], { nullable: true, description: 'The chain, origin first.' })
  chain!: string[] | null;
  @Field(() => String, { nullable: true, description: 'The foreign tenant of a cross-tenant use.' })
  fromTenant!: string | null;
  @Field(() => String, { nullable: true }) targetTenant!: string | null;
  @Field(() => [String], { nullable: true, description: 'What was foreign: actor, token.' })
  via!: string[] | null;
  @Field(() => String, { nullable: true, description: 'The tenant that made a claim.' })
  reporter!: string | null;
  @Field(() => String, { nullable: true, description: 'The tenant the claim is about.' })
  claimedTenant!: string | null;
  @Field(() => String, { nullable: true }) role!: string | null;
  @Field(() => String, { nullable: true, description: 'The event (CloudEvent id) behind it.' })
  eventId!: string | null;
  @Field(() => String, { nullable: true, description: 'A lifecycle change: offboarded...' })
  change!: string | null;
  @Field(() => Date, { nullable: true }) effectiveAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'The origin of the chain.' })
  origin!: string | null;
  @Field(() => String, { nullable: true }) actor!: string | null;
  @Field(() => String, { nullable: true }) subject!: string | null;
  @Field(() => String, { nullable: true, description: "Who the subject token's may_act allows." })
  mayAct!: string | null;
  @Field(() => Int, { nullable: true, description: 'Different actors that presented the token.' })
  presenters!: number | null;
  @Field(() => [String], { nullable: true }) reasons!: string[] | null;
  @Field(() => String, { nullable: true, description: 'The kind of an untracked hop.' })
  gapKind!: string | null;
  @Field({ description: 'The details as stored, JSON.' }) raw!: string;
}
