import { registerEnumType } from '@nestjs/graphql';

/** A GraphQL enum's object: each value under its upper-case name (`'on_behalf_of'` → `ON_BEHALF_OF`). */
export type EnumObject<V extends string> = { readonly [K in V as Uppercase<K>]: K };

/**
 * Registers a GraphQL enum whose values are those the vocabulary declares, so the schema
 * can never offer a value the domain does not know, nor miss one it does.
 */
export function graphqlEnum<const V extends string>(
  values: readonly V[],
  options: { name: string; description?: string },
): EnumObject<V> {
  const object = Object.freeze(
    Object.fromEntries(values.map((value) => [value.toUpperCase(), value])),
  ) as EnumObject<V>;
  registerEnumType(object, options);
  return object;
}
