import type { Type } from '@nestjs/common';
import { Field, ObjectType } from '@nestjs/graphql';

/** Relay cursor connection page info. */
@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field() hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/**
 * A Relay connection of `node`, for code-first: declares `<name>Edge` and returns the base
 * class of the connection, which the caller names (and describes) with its own
 * `@ObjectType()`: `@ObjectType() class HopConnection extends Connection(Hop) {}`.
 */
export function Connection<T>(node: Type<T>, name: string = node.name): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  abstract class EdgeType implements Edge<T> {
    @Field(() => String) cursor!: string;
    @Field(() => node) node!: T;
  }

  @ObjectType({ isAbstract: true })
  abstract class ConnectionType implements Connection<T> {
    @Field(() => [EdgeType]) edges!: Edge<T>[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
  }

  return ConnectionType as Type<Connection<T>>;
}
