import { createRequire } from 'node:module';

import type { FastifyServerOptions } from 'fastify';

type BuildSerializer = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer'] &
  object;

// The serializer builder Fastify itself uses, resolved from Fastify's own dependencies.
const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
const { SerializerSelector } = fromFastify('@fastify/fast-json-stringify-compiler') as {
  SerializerSelector: () => BuildSerializer;
};

/**
 * Fastify's response serializers, each compiled on the route's first response instead of at startup:
 * compiling all of them up front would take most of the agent's start time (cold start budget: 400 ms).
 */
export const lazySerializers: BuildSerializer = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options);
  return (route) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data: unknown) => (serialize ??= compile(route))(data);
  };
};
