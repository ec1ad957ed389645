import { Field, Int, ObjectType } from '@nestjs/graphql';
import { Connection } from '../../common/paging/connection.model';
import { Token } from './token.model';

@ObjectType({ description: 'A token in a lineage tree (the blast radius of a leak).' })
export class TokenLineageNode {
  @Field(() => Token) token!: Token;
  @Field(() => Int, { description: '0 for the root token.' }) depth!: number;
  @Field(() => String, { nullable: true }) actor!: string | null;
  @Field(() => String, { nullable: true }) subject!: string | null;
  @Field(() => String, { nullable: true }) requestId!: string | null;
}

@ObjectType({ description: 'Tokens derived from one token, breadth first (depth, then key).' })
export class TokenLineageConnection extends Connection(TokenLineageNode, 'TokenLineage') {}
