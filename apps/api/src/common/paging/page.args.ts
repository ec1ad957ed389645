import { ArgsType, Field, Int } from '@nestjs/graphql';
import { badUserInput } from '../user-input.error';

/** The forward half of Relay's connection arguments, shared by every list. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
}

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 50;

/** `first` checked (a list may allow fewer than MAX_PAGE rows), or the default page size. */
export function pageSize(first: number | undefined | null, max: number = MAX_PAGE): number {
  if (first === undefined || first === null) return Math.min(DEFAULT_PAGE, max);
  if (!Number.isInteger(first) || first < 1 || first > max)
    throw badUserInput(`first must be between 1 and ${max}`);
  return first;
}
