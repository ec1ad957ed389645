import { Field, ObjectType } from '@nestjs/graphql';
import { Hop } from './hop.model';
import { PageInfo } from './page-info.model';

@ObjectType()
export class HopEdge {
  @Field() cursor!: string;
  @Field(() => Hop) node!: Hop;
}

@ObjectType()
export class HopConnection {
  @Field(() => [HopEdge]) edges!: HopEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
