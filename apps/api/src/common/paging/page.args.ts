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

/** `first` checked, or the default page size. */
export function pageSize(first: number | undefined | null): number {
  if (first === undefined || first === null) return DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE)
    throw badUserInput(`first must be between 1 and ${MAX_PAGE}`);
  return first;
}
