import { ArgsType, Field, Int } from '@nestjs/graphql';
import { PolicyInput } from './policy.input';

@ArgsType()
export class PolicyDryRunArgs {
  @Field(() => PolicyInput) policy!: PolicyInput;
  @Field(() => Date, { description: 'Requests with a hop or exchange at or after this time…' })
  since!: Date;
  @Field(() => Date, { description: '…and before this one.' })
  until!: Date;
  @Field(() => [String], {
    nullable: true,
    description: 'The rules enabled under the proposal (every request rule when absent).',
  })
  rules?: string[];
  @Field(() => Int, {
    nullable: true,
    description: 'Samples kept of each change (0–100, default 10).',
  })
  sampleSize?: number;
}
