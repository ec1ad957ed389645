import { ArgsType, Field } from '@nestjs/graphql';
import { PageArgs } from '../../common/paging/page.args';
import { AnomalyFilter } from './anomaly-filter.input';

@ArgsType()
export class AnomaliesArgs extends PageArgs {
  @Field(() => AnomalyFilter, { nullable: true }) filter?: AnomalyFilter;
}
