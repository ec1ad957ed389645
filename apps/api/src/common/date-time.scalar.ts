import { GraphQLScalarType, Kind } from 'graphql';
import { z } from 'zod';
import { badUserInput } from './user-input.error';
const isoDateTime = z.iso.datetime({ offset: true });

const EXPECTED = 'expected an RFC 3339 date-time such as 2026-11-22T10:00:00Z';

/** Parses, or throws what `refuse` makes of the reason. */
function parse(value: unknown, refuse: (reason: string) => Error): Date {
  const parsed = isoDateTime.safeParse(value);
  const date = parsed.success ? new Date(parsed.data) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw refuse(EXPECTED);
  return date;
}

/** `DateTime` that refuses what is not an RFC 3339 date-time (the default takes anything). */
export const StrictDateTime = new GraphQLScalarType({
  name: 'DateTime',
  description:
    'A date-time string at UTC, such as 2019-12-03T09:54:33Z, compliant with the date-time format.',
  // A variable: graphql-js keeps a GraphQLError's code (BAD_USER_INPUT).
  parseValue: (value) => parse(value, badUserInput),
  // A literal: graphql-js reports a plain error as "Expected value of type …", which the
  // API's error formatter turns into BAD_USER_INPUT without the quoted value.
  parseLiteral: (ast) =>
    parse(ast.kind === Kind.STRING ? ast.value : undefined, (reason) => new TypeError(reason)),
  serialize: (value) => (value instanceof Date ? value.toISOString() : null),
});
