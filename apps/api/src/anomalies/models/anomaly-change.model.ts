import {
  ANOMALY_CHANGES,
  TRIAGE_DECISIONS,
  type AnomalyChangeKind as AnomalyChangeKindValue,
  type TriageDecision as TriageDecisionValue,
} from '@app/graph';
import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { graphqlEnum } from '../../common/graphql-enum';

export const AnomalyChangeKind = graphqlEnum(ANOMALY_CHANGES, {
  name: 'AnomalyChangeKind',
  description:
    "What a version of an anomaly records: its detection, the rules' verdict (withdrawn, reopened), an analyst's triage, or a suppression.",
});
export type AnomalyChangeKind = AnomalyChangeKindValue;

export const TriageDecision = graphqlEnum(TRIAGE_DECISIONS, {
  name: 'TriageDecision',
  description: 'Where an analyst takes an anomaly.',
});
export type TriageDecision = TriageDecisionValue;

@ObjectType({ description: 'One version of an anomaly: what changed, who changed it, when.' })
export class AnomalyChange {
  @Field(() => Int) version!: number;
  @Field(() => AnomalyChangeKind) change!: AnomalyChangeKind;
  @Field(() => String, {
    nullable: true,
    description:
      "The analyst or admin (their token's `sub`); null for the rules' own changes, and for an analyst of another tenant (a cross-tenant anomaly's other side).",
  })
  actor!: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      "The verdict's reason, the suppression's, or the analyst's note (shown to the analyst's own tenants only).",
  })
  reason!: string | null;
  @Field(() => ID, {
    nullable: true,
    description: 'The suppression that silenced the anomaly with this change.',
  })
  suppressionId!: string | null;
  @Field(() => Date) at!: Date;
}
