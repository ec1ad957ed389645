import { ArgsType, Field } from '@nestjs/graphql';

/** A principal's identity: (tenant, issuer, id). */
@ArgsType()
export class PrincipalArgs {
  @Field(() => String) tenant!: string;
  @Field(() => String) issuer!: string;
  @Field(() => String) id!: string;
}
