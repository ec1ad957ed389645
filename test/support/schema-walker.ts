import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  getNamedType,
  isInputObjectType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/** The schema the API serves: its SDL file, which a unit test keeps equal to the code's. */
export function servedSchema(): GraphQLSchema {
  return buildSchema(
    readFileSync(join(__dirname, '..', '..', 'apps', 'api', 'schema.gql'), 'utf8'),
  );
}

/** Values for arguments, by argument name (inline literals; input objects by field name too). */
export type ArgumentValues = Readonly<Record<string, string | number>>;

function literal(
  field: GraphQLField<unknown, unknown>,
  values: ArgumentValues,
): string | null | undefined {
  const parts: string[] = [];
  for (const arg of field.args) {
    const named = getNamedType(arg.type);
    if (arg.name in values) {
      parts.push(`${arg.name}: ${JSON.stringify(values[arg.name])}`);
    } else if (isInputObjectType(named)) {
      // An input object gets every field we have a value for (a filter by request id...).
      const inner = Object.values(named.getFields())
        .filter((f) => f.name in values)
        .map((f) => `${f.name}: ${JSON.stringify(values[f.name])}`);
      if (inner.length > 0) parts.push(`${arg.name}: { ${inner.join(', ')} }`);
      else if (isNonNullType(arg.type)) return undefined;
    } else if (isNonNullType(arg.type) && arg.defaultValue === undefined) {
      return undefined; // a required argument we cannot fill: the field is skipped
    }
  }
  return parts.length > 0 ? `(${parts.join(', ')})` : null;
}

/** Every field path under `type`, objects nested up to `depth` levels. */
function selection(type: GraphQLObjectType, depth: number, values: ArgumentValues): string {
  const fields: string[] = [];
  for (const field of Object.values(type.getFields())) {
    const args = literal(field, values);
    if (args === undefined) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) fields.push(`${field.name}${args ?? ''}`);
    else if (isObjectType(named) && depth > 0) {
      const inner = selection(named, depth - 1, values);
      if (inner) fields.push(`${field.name}${args ?? ''} { ${inner} }`);
    }
  }
  return fields.join(' ');
}

/**
 * One query per root field, selecting every nested path to `depth`, with arguments taken
 * from `values`. Generated from the schema: a new field is walked without editing a test.
 */
export function everyQuery(
  schema: GraphQLSchema,
  values: ArgumentValues,
  depth: number,
): Array<{ field: string; query: string }> {
  const root = schema.getQueryType()!;
  return Object.values(root.getFields()).flatMap((field) => {
    const args = literal(field, values);
    if (args === undefined) return [];
    const named = getNamedType(field.type);
    const body = isObjectType(named) ? ` { ${selection(named, depth, values)} }` : '';
    return [{ field: field.name, query: `query { ${field.name}${args ?? ''}${body} }` }];
  });
}
