import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Connection } from '../../common/paging/connection.model';

@ObjectType({
  description:
    'An admin decision that anomalies matching its conditions are known: they are still stored and exported, marked `suppressedBy`, but not pushed to dashboards. A null condition matches anything.',
})
export class Suppression {
  @Field(() => ID) id!: string;
  @Field({ description: 'The reporting tenant of the anomalies it applies to.' }) tenant!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Their target tenant; null: anomalies that stay within `tenant`.',
  })
  targetTenant!: string | null;
  @Field(() => String, { nullable: true, description: 'Null: every rule.' }) rule!: string | null;
  @Field(() => String, { nullable: true }) principalId!: string | null;
  @Field(() => String, { nullable: true }) principalIssuer!: string | null;
  @Field(() => String, { nullable: true, description: 'The issuer of the token concerned.' })
  issuer!: string | null;
  @Field(() => String, { nullable: true }) targetService!: string | null;
  @Field() reason!: string;
  @Field(() => Date, { nullable: true, description: 'It stops applying then.' })
  expiresAt!: Date | null;
  @Field() createdBy!: string;
  @Field(() => Date) createdAt!: Date;
  @Field(() => String, { nullable: true }) revokedBy!: string | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field({ description: 'Neither revoked nor expired.' }) active!: boolean;
}

@ObjectType()
export class SuppressionConnection extends Connection(Suppression) {}

@ObjectType()
export class CreatedSuppression {
  @Field(() => Suppression) suppression!: Suppression;
  @Field(() => Int, {
    description: 'Open anomalies it silenced at once (with `applyToOpen`), each as a new version.',
  })
  suppressedNow!: number;
}
