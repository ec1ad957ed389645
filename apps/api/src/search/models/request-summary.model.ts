import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Severity } from '../../anomalies/models/anomaly.model';
import { Connection } from '../../common/paging/connection.model';

@ObjectType({
  description:
    'A request as a results list shows it, from the facts the caller may see (its hops, the hops aimed at its tenants, its exchanges). `provenance(requestId)` gives the whole chain.',
})
export class RequestSummary {
  @Field(() => ID) requestId!: string;
  @Field(() => Date, { description: 'Its earliest visible hop or exchange.' })
  firstSeenAt!: Date;
  @Field(() => Date, { description: 'Its latest visible hop or exchange.' })
  lastSeenAt!: Date;
  @Field(() => Int, { description: 'Visible hops.' }) hopCount!: number;
  @Field(() => [String], {
    description: 'The first five distinct target services of its visible hops, in byte order.',
  })
  targets!: string[];
  @Field(() => Int, { description: 'How many distinct target services its visible hops call.' })
  targetCount!: number;
  @Field(() => Int, { description: 'Visible anomalies of the request whose verdict is OPEN.' })
  openAnomalies!: number;
  @Field(() => Severity, {
    nullable: true,
    description: 'The highest severity among them; null when none is open.',
  })
  maxSeverity!: Severity | null;
}

@ObjectType({ description: 'Visible requests, newest first.' })
export class RequestConnection extends Connection(RequestSummary, 'Request') {}
