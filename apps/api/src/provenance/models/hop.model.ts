import { DECISIONS, type Decision as DecisionValue } from '@app/graph';
import { Field, ID, ObjectType } from '@nestjs/graphql';
import { graphqlEnum } from '../../common/graphql-enum';
import { Connection } from '../../common/paging/connection.model';
import { Principal } from '../../principals/models/principal.model';
import { Token } from '../../tokens/models/token.model';

export const Decision = graphqlEnum(DECISIONS, { name: 'Decision' });
export type Decision = DecisionValue;

@ObjectType()
export class Tool {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) server!: string | null;
}

@ObjectType()
export class Target {
  @Field() service!: string;
  @Field(() => String, { nullable: true }) tenant!: string | null;
  @Field(() => String, { nullable: true }) resource!: string | null;
  @Field(() => String, { nullable: true }) action!: string | null;
}

@ObjectType({ description: 'One observed action.' })
export class Hop {
  @Field(() => ID) hopId!: string;
  @Field(() => ID, { nullable: true }) parentHopId!: string | null;
  @Field(() => ID) requestId!: string;
  @Field({
    description:
      'The tenant whose gateway reported the hop (its owning tenant): a hop is identified by (reportedBy, requestId, hopId), and its parent is a hop of the same tenant.',
  })
  reportedBy!: string;
  @Field(() => Principal) actor!: Principal;
  @Field(() => Principal, { nullable: true }) onBehalfOf!: Principal | null;
  @Field(() => Tool, { nullable: true }) tool!: Tool | null;
  @Field(() => Target) target!: Target;
  @Field(() => Decision) decision!: Decision;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => Date) occurredAt!: Date;
  @Field(() => Token, { nullable: true, description: 'The token presented.' }) token!: Token | null;
}

@ObjectType()
export class HopConnection extends Connection(Hop) {}
