import type { BuildSchemaOptions } from '@nestjs/graphql';
import { AnomaliesModule } from './anomalies/anomalies.module';
import { StrictDateTime } from './common/date-time.scalar';
import { PrincipalsModule } from './principals/principals.module';
import { ProvenanceModule } from './provenance/provenance.module';
import { SuppressionsModule } from './suppressions/suppressions.module';
import { TokensModule } from './tokens/tokens.module';
import { PolicyModule } from './policy/policy.module';
import { SearchModule } from './search/search.module';

/**
 * What the served schema is made of: the features' resolvers, built with these options.
 * schema-file.spec.ts builds it from the same two, so schema.gql cannot miss a feature.
 */
export const API_FEATURES = [
  ProvenanceModule,
  AnomaliesModule,
  PrincipalsModule,
  TokensModule,
  PolicyModule,
  SuppressionsModule,
  SearchModule,
];

export const SCHEMA_OPTIONS: BuildSchemaOptions = {
  dateScalarMode: 'isoDate',
  scalarsMap: [{ type: Date, scalar: StrictDateTime }],
};
