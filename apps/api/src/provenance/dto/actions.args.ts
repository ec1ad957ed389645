import { ArgsType, Field, registerEnumType } from '@nestjs/graphql';
import { PageArgs } from '../../common/paging/page.args';

export enum ActionRole {
  ACTOR = 'actor',
  ON_BEHALF_OF = 'on_behalf_of',
  EITHER = 'either',
}
registerEnumType(ActionRole, { name: 'ActionRole' });

@ArgsType()
export class ActionsArgs extends PageArgs {
  @Field(() => ActionRole, { nullable: true, defaultValue: ActionRole.EITHER }) role!: ActionRole;
  @Field(() => Date, { nullable: true }) since?: Date;
  @Field(() => Date, { nullable: true }) until?: Date;
}
