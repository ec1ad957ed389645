import { ArgsType, Field } from '@nestjs/graphql';
import { PageArgs } from '../../common/paging/page.args';

/** The root token, named by key, or by jti (and issuer), or by fingerprint. */
@ArgsType()
export class TokenLineageArgs extends PageArgs {
  @Field(() => String, { nullable: true }) key?: string;
  @Field(() => String, { nullable: true }) jti?: string;
  @Field(() => String, { nullable: true }) issuer?: string;
  @Field(() => String, { nullable: true }) fingerprint?: string;
}
