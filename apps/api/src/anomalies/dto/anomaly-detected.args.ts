import { ArgsType, Field } from '@nestjs/graphql';
import { Severity } from '../models/anomaly.model';

@ArgsType()
export class AnomalyDetectedArgs {
  @Field(() => Severity, { nullable: true }) minSeverity?: Severity;
  /** The `feedCursor` of the last anomaly received. */
  @Field(() => String, { nullable: true }) after?: string;
  @Field(() => Boolean, {
    nullable: true,
    description:
      'Also anomalies a suppression silenced (by default a dashboard is not alerted on them).',
  })
  includeSuppressed?: boolean;
}
