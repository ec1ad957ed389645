import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Request, Response } from 'express';

/**
 * The HTTP endpoints (exports) described from their own decorators, served at /openapi.json
 * for anyone: it describes the API, not its data. GraphQL describes itself.
 */
export function serveOpenApi(app: INestApplication, version: string): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Provenant HTTP API')
      .setDescription(
        'Exports for SIEM pipelines and auditors. Queries and subscriptions are at /graphql.',
      )
      .setVersion(version)
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  const body = JSON.stringify(document);
  app
    .getHttpAdapter()
    .get('/openapi.json', (_request: Request, response: Response) =>
      response.type('application/json').send(body),
    );
}
