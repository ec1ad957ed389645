import {
  ANOMALY_TRIAGE_STATES,
  ANOMALY_VERDICTS,
  SEVERITIES,
  type AnomalyTriage as AnomalyTriageValue,
  type AnomalyVerdict as AnomalyVerdictValue,
  type Severity as SeverityValue,
} from '@app/graph';
import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { graphqlEnum } from '../../common/graphql-enum';
import { Connection } from '../../common/paging/connection.model';
import { AnomalyDetails } from './anomaly-details.model';

export const Severity = graphqlEnum(SEVERITIES, { name: 'Severity' });
export type Severity = SeverityValue;
export const AnomalyVerdict = graphqlEnum(ANOMALY_VERDICTS, {
  name: 'AnomalyVerdict',
  description:
    'OPEN while the stored facts show the anomaly; WITHDRAWN once later facts cleared it (it opens again if they show it again).',
});
export type AnomalyVerdict = AnomalyVerdictValue;
export const AnomalyTriage = graphqlEnum(ANOMALY_TRIAGE_STATES, {
  name: 'AnomalyTriage',
  description: 'Where an analyst has taken the anomaly, whatever its verdict.',
});
export type AnomalyTriage = AnomalyTriageValue;

@ObjectType()
export class Anomaly {
  @Field(() => ID) id!: string;
  @Field() rule!: string;
  @Field(() => Severity) severity!: Severity;
  @Field(() => ID, { nullable: true }) requestId!: string | null;
  @Field(() => Date) detectedAt!: Date;
  @Field() summary!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'Position in the live feed (null until published): resume `anomalyDetected(after:)` from it.',
  })
  feedCursor!: string | null;
  @Field(() => AnomalyVerdict) verdict!: AnomalyVerdict;
  @Field(() => String, {
    nullable: true,
    description: 'Why the verdict changed, once it has.',
  })
  verdictReason!: string | null;
  @Field(() => AnomalyTriage) triage!: AnomalyTriage;
  @Field(() => Int, { description: '1 at detection, one more at every change.' })
  version!: number;
  @Field(() => Date, { description: 'When the current version was made.' }) changedAt!: Date;
  @Field(() => ID, {
    nullable: true,
    description:
      'The suppression that silenced it: still stored and exported, but not pushed to `anomalyDetected` unless asked.',
  })
  suppressedBy!: string | null;
  @Field(() => AnomalyDetails, { description: 'What the rule recorded about its finding.' })
  details!: AnomalyDetails;
}

@ObjectType()
export class AnomalyConnection extends Connection(Anomaly) {}
