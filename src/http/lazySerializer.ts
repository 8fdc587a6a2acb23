import { createRequire } from 'node:module';

import type { FastifyServerOptions } from 'fastify';

type BuildSerializer = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer'] &
  object;

/** The serializer builder Fastify itself uses, resolved from Fastify's own dependencies when first needed. */
function serializerSelector(): () => BuildSerializer {
  const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
  return (fromFastify('@fastify/fast-json-stringify-compiler') as { SerializerSelector: () => BuildSerializer })
    .SerializerSelector;
}

/**
 * Fastify's response serializers, each compiled on the route's first response instead of at startup:
 * compiling all of them up front would take most of the agent's start time (cold start budget: 400 ms).
 * The compiler itself (fast-json-stringify and its own Ajv, ~60 ms to load) is loaded on that first
 * response too: the lists answer with JSON written by SQLite and need no serializer.
 */
export const lazySerializers: BuildSerializer = (externalSchemas, options) => {
  let compile: ReturnType<BuildSerializer> | undefined;
  return (route) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data: unknown) => (serialize ??= (compile ??= serializerSelector()()(externalSchemas, options))(route))(data);
  };
};
