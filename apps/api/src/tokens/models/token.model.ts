import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType({
  description: 'A token as observed: never the raw token, only its identifiers and claims.',
})
export class Token {
  @Field(() => ID, {
    description: 'jti:<issuer>#<jti>, or fp:<sha256> when only a fingerprint is known',
  })
  key!: string;
  @Field() tenant!: string;
  @Field({
    description:
      "The tenant whose gateway reported this record; when it is not `tenant`, it is that tenant's claim.",
  })
  reportedBy!: string;
  @Field(() => String, { nullable: true }) issuer!: string | null;
  @Field(() => String, { nullable: true }) jti!: string | null;
  @Field(() => String, { nullable: true }) fingerprint!: string | null;
  @Field(() => [String]) audience!: string[];
  @Field(() => [String]) scopes!: string[];
  @Field(() => Date, { nullable: true }) issuedAt!: Date | null;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'The token it was exchanged from.' })
  parentKey!: string | null;
}
