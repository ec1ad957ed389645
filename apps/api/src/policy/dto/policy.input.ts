import { Field, InputType, Int } from '@nestjs/graphql';

@InputType({ description: 'The issuers one tenant trusts for tokens that claim it.' })
export class TrustedIssuersInput {
  @Field() tenant!: string;
  @Field(() => [String]) issuers!: string[];
}

@InputType({
  description:
    'A whole anomaly policy, as the ingestor would run it: a setting left out is empty (no trust lists, no federation), not the current one.',
})
export class PolicyInput {
  @Field(() => [TrustedIssuersInput], {
    nullable: true,
    description: 'Tenants with a trust list; a tenant absent here is not checked.',
  })
  trustedIssuers?: TrustedIssuersInput[];
  @Field(() => [String], {
    nullable: true,
    description: 'Tenant pairs `from>to` allowed to delegate across.',
  })
  federation?: string[];
  @Field(() => Int, { description: 'Delegates allowed after the origin (1–64).' })
  maxDelegationDepth!: number;
  @Field(() => Int, {
    description: 'Longest lifetime of a delegated token, in seconds (at most one year).',
  })
  maxDelegatedLifetimeSeconds!: number;
}
