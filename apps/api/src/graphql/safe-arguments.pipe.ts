import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { assertUsableText } from './user-input';

/**
 * Every resolver argument, on every transport (HTTP and graphql-ws run the same resolvers),
 * is checked before a resolver sees it: text no query could match is the caller's mistake.
 */
@Injectable()
export class SafeArgumentsPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'custom') assertUsableText(value, metadata.data ?? 'an argument');
    return value;
  }
}
