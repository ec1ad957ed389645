import { Roles, type Caller } from '@app/auth';
import { InvestigationService } from '@app/investigation';
import { BadRequestException } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/current-caller.decorator';
import { toLineageNode } from './mappers';
import { TokenLineageNode } from './models/token.model';

@Resolver(() => TokenLineageNode)
export class TokenResolver {
  constructor(private readonly investigation: InvestigationService) {}

  @Query(() => [TokenLineageNode], {
    description:
      'A token and every token derived from it, breadth first: the blast radius of a leak. Name it by key, or by jti and issuer, or by fingerprint.',
  })
  @Roles('investigator')
  async tokenLineage(
    @CurrentCaller() caller: Caller,
    @Args('key', { nullable: true }) key?: string,
    @Args('jti', { nullable: true }) jti?: string,
    @Args('issuer', { nullable: true }) issuer?: string,
    @Args('fingerprint', { nullable: true }) fingerprint?: string,
  ): Promise<TokenLineageNode[]> {
    const root =
      key ??
      (jti !== undefined
        ? `jti:${issuer ?? ''}#${jti}`
        : fingerprint !== undefined
          ? `fp:${fingerprint}`
          : undefined);
    if (root === undefined)
      throw new BadRequestException(
        'name the token by key, by jti (and issuer), or by fingerprint',
      );
    return (await this.investigation.tokenLineage(caller.scope, root)).map(toLineageNode);
  }
}
