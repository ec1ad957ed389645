import { PRINCIPAL_KINDS, type PrincipalKind as PrincipalKindValue } from '@app/graph';
import { Field, ObjectType } from '@nestjs/graphql';
import { graphqlEnum } from '../../common/graphql-enum';
import { Connection } from '../../common/paging/connection.model';

export const PrincipalKind = graphqlEnum(PRINCIPAL_KINDS, { name: 'PrincipalKind' });
export type PrincipalKind = PrincipalKindValue;

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

@ObjectType({ description: 'Principals found by a search, in a stable order.' })
export class PrincipalConnection extends Connection(Principal) {}
