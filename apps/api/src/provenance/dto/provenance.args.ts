import { ArgsType, Field, ID } from '@nestjs/graphql';

@ArgsType()
export class ProvenanceArgs {
  @Field(() => ID) requestId!: string;
}
