import { DRY_RUN_CHANGES, type DryRunChange as DryRunChangeValue } from '@app/anomalies';
import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { graphqlEnum } from '../../common/graphql-enum';

export const DryRunChange = graphqlEnum(DRY_RUN_CHANGES, {
  name: 'DryRunChange',
  description:
    'FIRE: the proposal would raise an anomaly not open now; WITHDRAW: it would no longer find one open now.',
});
export type DryRunChange = DryRunChangeValue;

@ObjectType({ description: 'What would change for one rule.' })
export class DryRunRuleCount {
  @Field() rule!: string;
  @Field(() => Int) wouldFire!: number;
  @Field(() => Int) wouldWithdraw!: number;
}

@ObjectType()
export class DryRunSample {
  @Field(() => DryRunChange) change!: DryRunChange;
  @Field(() => ID) requestId!: string;
  @Field() rule!: string;
  @Field() summary!: string;
}

@ObjectType({
  description:
    "A proposed policy replayed on the caller's stored requests, compared with the anomalies open now. Nothing is written.",
})
export class DryRunReport {
  @Field(() => [DryRunRuleCount], { description: 'Rules with any change, by name.' })
  rules!: DryRunRuleCount[];
  @Field(() => [DryRunSample]) samples!: DryRunSample[];
  @Field(() => Int) requestsEvaluated!: number;
  @Field({
    description:
      'Every request of the window was evaluated (false when the time budget ran out first).',
  })
  complete!: boolean;
  @Field(() => Int) elapsedMs!: number;
}
