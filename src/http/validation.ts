import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS: under ESM its function arrives as the module's `default` property.
const addFormats = addFormatsModule.default;

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: true,
    strict: false,
    // The schemas are TypeBox's, checked against the OpenAPI 3.1 schema by the tests; validating them
    // against the JSON Schema meta-schema would compile that meta-schema on the first request (~25 ms).
    validateSchema: false,
  });
  addFormats(ajv);
  return ajv;
}

// Query strings are text and must be coerced; JSON bodies are typed, and a wrong type is an error there.
const queryAjv = makeAjv(true);
const bodyAjv = makeAjv(false);

/**
 * Compiles a route's schema on its first use, not at startup: compiling every route's schemas up front
 * would cost most of the agent's start time (the cold-start budget is 400 ms to the first answer).
 */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : queryAjv;
  let compiled: ValidateFunction | undefined;
  const validate = (data: unknown) => {
    compiled ??= ajv.compile(schema);
    const valid = compiled(data);
    validate.errors = compiled.errors;
    return valid;
  };
  validate.errors = null as ValidateFunction['errors'];
  return validate as ReturnType<FastifySchemaCompiler<object>>;
};

/** `/0/projectId` becomes `[0].projectId`; the root of a body is `body`. */
function fieldName(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (child !== undefined) parts.push(child);
  if (parts.length === 0) return 'body';
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** One plain message per problem, naming the field. */
export function describeValidationError(error: ErrorObject, context?: string): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return `'${fieldName(error.instancePath, String(params.missingProperty))}' is required.`;
  const field = error.instancePath === '' && context !== 'body' ? (context ?? 'request') : fieldName(error.instancePath);
  switch (error.keyword) {
    case 'type':
      return `'${field}' must be ${params.type === 'array' ? 'an array' : `of type ${String(params.type)}`}.`;
    case 'maxLength':
      return `'${field}' must be at most ${String(params.limit)} characters long.`;
    case 'minLength':
      return `'${field}' must be at least ${String(params.limit)} character${params.limit === 1 ? '' : 's'} long.`;
    case 'format':
      return `'${field}' must be a valid ${String(params.format)}.`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `'${field}' must be ${String(params.comparison)} ${String(params.limit)}.`;
    case 'enum':
      return `'${field}' must be one of ${(params.allowedValues as unknown[]).join(', ')}.`;
    case 'minItems':
      return `'${field}' must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}.`;
    case 'maxItems':
      return `'${field}' must have at most ${String(params.limit)} items.`;
    case 'pattern':
      return `'${field}' is not valid${error.parentSchema?.description ? ` (${String(error.parentSchema.description)})` : ''}.`;
    default:
      return `'${field}' ${error.message ?? 'is not valid'}.`;
  }
}
