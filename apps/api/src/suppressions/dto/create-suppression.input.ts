import { Field, InputType } from '@nestjs/graphql';

@InputType({ description: 'A new suppression; at least one condition besides `tenant`.' })
export class CreateSuppressionInput {
  @Field({ description: 'The reporting tenant: one of the caller’s.' }) tenant!: string;
  @Field(() => String, {
    nullable: true,
    description: 'The target tenant, also one of the caller’s; absent: anomalies within `tenant`.',
  })
  targetTenant?: string | null;
  @Field(() => String, { nullable: true, description: 'A rule name; absent: every rule.' })
  rule?: string | null;
  @Field(() => String, { nullable: true }) principalId?: string | null;
  @Field(() => String, { nullable: true, description: 'Only with `principalId`.' })
  principalIssuer?: string | null;
  @Field(() => String, { nullable: true }) issuer?: string | null;
  @Field(() => String, { nullable: true }) targetService?: string | null;
  @Field({ description: 'Why: kept with the suppression and in each silenced anomaly’s history.' })
  reason!: string;
  @Field(() => Date, { nullable: true, description: 'In the future; absent: until revoked.' })
  expiresAt?: Date | null;
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Also silence the open anomalies that already match (each as a new version).',
  })
  applyToOpen?: boolean | null;
}
