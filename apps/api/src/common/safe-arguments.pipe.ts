import {
  BadRequestException,
  Injectable,
  type ArgumentMetadata,
  type PipeTransform,
} from '@nestjs/common';
import { assertUsableText } from './user-input.error';

/**
 * Every resolver argument, on every transport (HTTP and graphql-ws run the same resolvers),
 * and every HTTP route's path and query parameter,
 * is checked before a resolver sees it: text no query could match is the caller's mistake.
 * A refusal names the argument: `@Args('name')` by its name, an `@ArgsType()` class
 * (`@Args()`) by the name of its field.
 */
@Injectable()
export class SafeArgumentsPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    try {
      if (metadata.data === undefined && isRecord(value)) {
        for (const [name, field] of Object.entries(value)) assertUsableText(field, name);
      } else {
        assertUsableText(value, metadata.data ?? 'an argument');
      }
    } catch (error) {
      // An HTTP route's path or query: the same refusal, as HTTP says it (400).
      if (HTTP_ARGUMENTS.has(metadata.type))
        throw new BadRequestException((error as Error).message);
      throw error;
    }
    return value;
  }
}

// GraphQL resolvers' arguments arrive as `body` too: they keep the GraphQL refusal
// (BAD_USER_INPUT). The HTTP routes take no body.
const HTTP_ARGUMENTS = new Set<ArgumentMetadata['type']>(['param', 'query']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
