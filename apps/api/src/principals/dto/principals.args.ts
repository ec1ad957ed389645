import { MAX_SEARCH_LENGTH, MIN_SEARCH_LENGTH } from '@app/investigation';
import { ArgsType, Field } from '@nestjs/graphql';
import { PageArgs } from '../../common/paging/page.args';

@ArgsType()
export class PrincipalsArgs extends PageArgs {
  @Field({
    description: `Part of the id or display name: ${MIN_SEARCH_LENGTH} to ${MAX_SEARCH_LENGTH} characters, matched literally (% _ and \\ are not wildcards), case-insensitive.`,
  })
  search!: string;
  @Field(() => String, { nullable: true, description: "Only this tenant's principals." })
  tenant?: string | null;
  @Field(() => String, { nullable: true, description: 'Only principals of this issuer.' })
  issuer?: string | null;
}
