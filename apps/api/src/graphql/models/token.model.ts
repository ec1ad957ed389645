import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { PageInfo } from './page-info.model';
import { Principal } from './principal.model';

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

@ObjectType({ description: 'How a token was derived: an RFC 8693 exchange of its parent.' })
export class TokenDerivation {
  @Field(() => Token) token!: Token;
  @Field(() => Token, { nullable: true }) parent!: Token | null;
  @Field(() => Principal, { nullable: true, description: 'Who obtained the token.' })
  actor!: Principal | null;
  @Field(() => Principal, { nullable: true, description: 'On whose behalf.' })
  subject!: Principal | null;
  @Field(() => String, { nullable: true }) grantType!: string | null;
  @Field(() => Date, { nullable: true }) exchangedAt!: Date | null;
}

@ObjectType({ description: 'A token in a lineage tree (the blast radius of a leak).' })
export class TokenLineageNode {
  @Field(() => Token) token!: Token;
  @Field(() => Int, { description: '0 for the root token.' }) depth!: number;
  @Field(() => String, { nullable: true }) actor!: string | null;
  @Field(() => String, { nullable: true }) subject!: string | null;
  @Field(() => String, { nullable: true }) requestId!: string | null;
}

@ObjectType()
export class TokenLineageEdge {
  @Field() cursor!: string;
  @Field(() => TokenLineageNode) node!: TokenLineageNode;
}

@ObjectType({ description: 'Tokens derived from one token, breadth first (depth, then key).' })
export class TokenLineageConnection {
  @Field(() => [TokenLineageEdge]) edges!: TokenLineageEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
