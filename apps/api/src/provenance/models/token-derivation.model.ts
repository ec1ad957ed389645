import { Field, ObjectType } from '@nestjs/graphql';
import { Principal } from '../../principals/models/principal.model';
import { Token } from '../../tokens/models/token.model';

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
