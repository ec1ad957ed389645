import { Field, ID, InputType } from '@nestjs/graphql';
import { Severity } from '../models/anomaly.model';

@InputType()
export class AnomalyFilter {
  @Field(() => [String], { nullable: true }) rules?: string[];
  @Field(() => Severity, { nullable: true }) minSeverity?: Severity;
  @Field(() => ID, { nullable: true }) requestId?: string;
  @Field(() => Date, { nullable: true }) since?: Date;
  @Field(() => Date, { nullable: true }) until?: Date;
  @Field(() => Boolean, {
    nullable: true,
    description: 'true: only suppressed anomalies; false: only those not suppressed; absent: both.',
  })
  suppressed?: boolean;
}
