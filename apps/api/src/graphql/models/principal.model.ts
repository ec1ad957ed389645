import { Field, Int, ObjectType } from '@nestjs/graphql';
import { PrincipalKind } from './enums';

@ObjectType({
  description: 'Anything that acts or is acted for, identified by (tenant, issuer, id).',
})
export class Principal {
  @Field() id!: string;
  @Field() issuer!: string;
  @Field() tenant!: string;
  @Field({
    description:
      "The tenant whose gateway reported this record; when it is not `tenant`, it is that tenant's claim.",
  })
  reportedBy!: string;
  @Field(() => PrincipalKind) kind!: PrincipalKind;
  @Field(() => String, { nullable: true }) displayName!: string | null;
}

@ObjectType({ description: 'One place in a chain: 0 is the origin, then each delegate in order.' })
export class ChainLink {
  @Field(() => Int) position!: number;
  @Field(() => Principal) principal!: Principal;
}
