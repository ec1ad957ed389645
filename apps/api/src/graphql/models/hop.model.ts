import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Decision } from './enums';
import { Principal } from './principal.model';
import { Token } from './token.model';

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
