import { ArgsType, Field } from '@nestjs/graphql';
import { PageArgs } from '../../common/paging/page.args';
import { RequestFilter } from './request-filter.input';

@ArgsType()
export class RequestsArgs extends PageArgs {
  @Field(() => RequestFilter, { nullable: true }) filter?: RequestFilter | null;
}
