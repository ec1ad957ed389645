import { ArgsType, Field } from '@nestjs/graphql';
import { PageArgs } from '../../common/paging/page.args';

@ArgsType()
export class SuppressionsArgs extends PageArgs {
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Also revoked and expired suppressions.',
  })
  includeInactive?: boolean | null;
}
