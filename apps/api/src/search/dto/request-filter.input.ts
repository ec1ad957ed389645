import { FINGERPRINT_FORMULA, MAX_SEARCH_LENGTH, MIN_SEARCH_LENGTH } from '@app/investigation';
import { Field, ID, InputType } from '@nestjs/graphql';

const TEXT = `${MIN_SEARCH_LENGTH} to ${MAX_SEARCH_LENGTH} characters, matched literally (% _ and \\ are not wildcards), case-insensitive`;

@InputType({
  description: 'A principal named in a request, by any part of its id or display name.',
})
export class PrincipalMatch {
  @Field({ description: `Part of the id or display name: ${TEXT}.` }) search!: string;
  @Field(() => String, { nullable: true, description: "Only this tenant's principals." })
  tenant?: string | null;
  @Field(() => String, { nullable: true, description: 'Only principals of this issuer.' })
  issuer?: string | null;
}

@InputType({ description: 'A token, by its jti (optionally with its issuer) or its fingerprint.' })
export class TokenMatch {
  @Field(() => String, { nullable: true }) jti?: string | null;
  @Field(() => String, { nullable: true, description: 'The issuer of `jti`.' })
  issuer?: string | null;
  @Field(() => String, {
    nullable: true,
    description: `The token's fingerprint: ${FINGERPRINT_FORMULA}. With \`jti\` too, a token must match both. Every record of the same fingerprint counts (a token described once by jti and once by fingerprint is one token).`,
  })
  fingerprint?: string | null;
}

@InputType({
  description:
    'What the requests must show, every given part at once (AND), each in the facts the caller may see.',
})
export class RequestFilter {
  @Field(() => ID, { nullable: true, description: 'Exactly this request.' })
  requestId?: string | null;
  @Field(() => PrincipalMatch, {
    nullable: true,
    description:
      'A principal that acts or is acted for in one of its hops, or whose authority one of its exchanges carries (the origin).',
  })
  principal?: PrincipalMatch | null;
  @Field(() => String, {
    nullable: true,
    description: `Part of a hop's target service or resource: ${TEXT}.`,
  })
  target?: string | null;
  @Field(() => TokenMatch, {
    nullable: true,
    description: 'A token presented in one of its hops, or exchanged in it (parent or issued).',
  })
  token?: TokenMatch | null;
  @Field(() => Date, {
    nullable: true,
    description: 'Requests with a hop or exchange at or after this time.',
  })
  since?: Date | null;
  @Field(() => Date, {
    nullable: true,
    description: 'Requests with a hop or exchange before this time (with `since`: in the window).',
  })
  until?: Date | null;
}
