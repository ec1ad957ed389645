import type { Provider, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { Test } from '@nestjs/testing';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_FEATURES, SCHEMA_OPTIONS } from './api.schema';

const SCHEMA_FILE = join(__dirname, '..', 'schema.gql');

/**
 * apps/api/schema.gql is the schema clients read; it must be what the code serves.
 * `UPDATE_SCHEMA=1 npm run test:unit -- apps/api` rewrites it after a deliberate change.
 */
describe('GraphQL schema file', () => {
  it('matches the schema the resolvers build', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [GraphQLSchemaBuilderModule],
    }).compile();
    // Every feature's classes: the schema factory keeps the resolvers among them.
    const classes = API_FEATURES.flatMap((feature) =>
      (Reflect.getMetadata(MODULE_METADATA.PROVIDERS, feature) as Provider[]).filter(
        (provider): provider is Type => typeof provider === 'function',
      ),
    );
    const schema = await moduleRef.get(GraphQLSchemaFactory).create(classes, SCHEMA_OPTIONS);
    const printed = `${printSchema(lexicographicSortSchema(schema))}\n`;
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, printed);
    let committed = '';
    try {
      committed = readFileSync(SCHEMA_FILE, 'utf8');
    } catch {
      // reported by the assertion below
    }
    if (committed !== printed) {
      throw new Error(
        'apps/api/schema.gql is out of date: run `UPDATE_SCHEMA=1 npm run test:unit -- apps/api` and commit it',
      );
    }
    for (const name of ['provenance', 'anomalies', 'principal', 'tokenLineage'])
      expect(schema.getQueryType()?.getFields()[name]).toBeDefined();
    expect(schema.getSubscriptionType()?.getFields().anomalyDetected).toBeDefined();
  });
});
