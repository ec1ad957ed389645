import { UNSTORABLE_TEXT } from '@app/contract';
import { SearchInputError } from '@app/investigation';
import { TriageInputError } from '@app/triage';
import { GraphQLError } from 'graphql';

/**
 * The caller's own mistake in an argument: `BAD_USER_INPUT`, over HTTP and the socket
 * alike, with a message that names what is wrong and never quotes the value.
 */
export const badUserInput = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/** Refuses, anywhere inside an argument, text no query could match. */
export function assertUsableText(value: unknown, name: string): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'string') {
      if (UNSTORABLE_TEXT.test(current))
        throw badUserInput(`${name} contains a NUL character or an unpaired surrogate`);
    } else if (Array.isArray(current)) {
      stack.push(...(current as unknown[]));
    } else if (current !== null && typeof current === 'object' && !(current instanceof Date)) {
      stack.push(...Object.values(current as Record<string, unknown>));
    }
  }
}

/** Runs a use case, turning its refusal of the caller's input into `BAD_USER_INPUT`. */
export async function refusingBadInput<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TriageInputError || error instanceof SearchInputError)
      throw badUserInput(error.message);
    throw error;
  }
}
