import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { Severity } from './enums';
import { PageInfo } from './page-info.model';

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
}

@ObjectType()
export class AnomalyEdge {
  @Field() cursor!: string;
  @Field(() => Anomaly) node!: Anomaly;
}

@ObjectType()
export class AnomalyConnection {
  @Field(() => [AnomalyEdge]) edges!: AnomalyEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@InputType()
export class AnomalyFilter {
  @Field(() => [String], { nullable: true }) rules?: string[];
  @Field(() => Severity, { nullable: true }) minSeverity?: Severity;
  @Field(() => ID, { nullable: true }) requestId?: string;
  @Field(() => Date, { nullable: true }) since?: Date;
  @Field(() => Date, { nullable: true }) until?: Date;
}
