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
    // Infinity and NaN are not numbers an API takes: without this, `page=Infinity` passes as an integer.
    strictNumbers: true,
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
  // Found once per schema rather than on every request: most query schemas have no size limit to check first.
  const sized = hasSizeLimit(schema as SizeSchema);
  const validate = (data: unknown) => {
    // Size limits first: a 1 MiB array of 349,000 items must not be checked item by item (and every
    // error of every item collected) before its length is found to be over the limit.
    const oversized = sized ? sizeLimitError(schema as SizeSchema, data, '') : undefined;
    if (oversized) {
      validate.errors = [oversized];
      return false;
    }
    compiled ??= ajv.compile(schema);
    const valid = compiled(data);
    validate.errors = compiled.errors;
    if (valid && httpPart !== 'body') {
      // Ajv coerces "Infinity" and "1e309" to Infinity and does not check the result again.
      const infinite = nonFiniteError(data);
      if (infinite) {
        validate.errors = [infinite];
        return false;
      }
    }
    return valid;
  };
  validate.errors = null as ValidateFunction['errors'];
  return validate as ReturnType<FastifySchemaCompiler<object>>;
};

interface SizeSchema {
  maxItems?: number;
  maxLength?: number;
  items?: SizeSchema;
  properties?: Record<string, SizeSchema>;
}

/** Whether the schema declares a maxItems or maxLength anywhere sizeLimitError looks. */
function hasSizeLimit(schema: SizeSchema | undefined): boolean {
  if (!schema || typeof schema !== 'object') return false;
  if (schema.maxItems !== undefined || schema.maxLength !== undefined) return true;
  if (hasSizeLimit(schema.items)) return true;
  return Object.values(schema.properties ?? {}).some((child) => hasSizeLimit(child));
}

/**
 * The first array or string over its schema's maxItems or maxLength, as Ajv would report it; walks only
 * the schema's declared properties and items, so its cost is bounded by the data's size.
 */
function sizeLimitError(schema: SizeSchema | undefined, data: unknown, instancePath: string): ErrorObject | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  if (Array.isArray(data)) {
    if (schema.maxItems !== undefined && data.length > schema.maxItems) {
      return { keyword: 'maxItems', instancePath, schemaPath: '#/maxItems', params: { limit: schema.maxItems } };
    }
    if (schema.items && typeof schema.items === 'object') {
      for (let i = 0; i < data.length; i++) {
        const error = sizeLimitError(schema.items, data[i], `${instancePath}/${i}`);
        if (error) return error;
      }
    }
  } else if (typeof data === 'string') {
    // Characters, as Ajv counts them; a string can only be longer in UTF-16 units, so test that first.
    if (schema.maxLength !== undefined && data.length > schema.maxLength && [...data].length > schema.maxLength) {
      return { keyword: 'maxLength', instancePath, schemaPath: '#/maxLength', params: { limit: schema.maxLength } };
    }
  } else if (data && typeof data === 'object' && schema.properties) {
    for (const [key, child] of Object.entries(schema.properties)) {
      const value = (data as Record<string, unknown>)[key];
      if (value === undefined || !Object.prototype.hasOwnProperty.call(data, key)) continue;
      const error = sizeLimitError(child, value, `${instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      if (error) return error;
    }
  }
  return undefined;
}

/**
 * A query parameter that coercion turned into Infinity or NaN, reported as Ajv reports a wrong type; or
 * one holding U+0000 (`%00`), which no backend stores (see jsonTooCostly).
 */
function nonFiniteError(data: unknown): ErrorObject | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const record = data as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return { keyword: 'type', instancePath: `/${key}`, schemaPath: '#/type', params: { type: 'number', finite: true } };
    }
    if (typeof value === 'string' && value.includes('\u0000')) {
      return { keyword: 'nul', instancePath: `/${key}`, schemaPath: '#/nul', params: {} };
    }
  }
  return undefined;
}

/** The path of the first string (or key) in a parsed JSON value that holds U+0000, as Ajv writes paths. */
export function nulPath(value: unknown, instancePath = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? instancePath : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], `${instancePath}/${i}`);
      if (found !== undefined) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const path = `${instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (key.includes('\u0000')) return path;
      const found = nulPath(child, path);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The 499 message for a field holding U+0000. */
export const nulMessage = (instancePath: string, context = 'body') =>
  `'${instancePath === '' ? context : fieldName(instancePath)}' must not contain the NUL character (\\u0000).`;

/** At most this many problems are described in one answer; the rest are counted. */
export const MAX_ERROR_MESSAGES = 10;

/** The first MAX_ERROR_MESSAGES messages, then one that says how many more there were. */
export function capMessages(messages: string[]): string[] {
  if (messages.length <= MAX_ERROR_MESSAGES) return messages;
  const more = messages.length - MAX_ERROR_MESSAGES;
  return [...messages.slice(0, MAX_ERROR_MESSAGES), `... and ${more} more problem${more === 1 ? '' : 's'}.`];
}

/** How deep a JSON body may nest arrays and objects. */
export const MAX_JSON_DEPTH = 64;

/**
 * What makes a JSON text too costly to parse, found in one pass over the text without parsing it: arrays
 * and objects nested more than `maxDepth` levels (validators and serializers recurse), or a top-level
 * array of more than `maxItems` items (parsing 349,000 `{}` alone takes ~50 ms), or a string holding U+0000
 * (`\u0000`: no text column of PostgreSQL stores it, so neither backend takes it). Stops at the first.
 */
export function jsonTooCostly(
  text: string,
  maxDepth = MAX_JSON_DEPTH,
  maxItems = Infinity,
): 'depth' | 'items' | 'nul' | undefined {
  let depth = 0;
  let inString = false;
  let topItems = 0;
  let topIsArray = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) {
        // backslash: skip the escaped character
        if (text.charCodeAt(i + 1) === 117 && text.startsWith('0000', i + 2)) return 'nul';
        i++;
      } else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (depth === 0 && c === 91) topIsArray = true;
      if (++depth > maxDepth) return 'depth';
    } else if (c === 93 || c === 125) depth--;
    else if (c === 44 && depth === 1 && topIsArray && ++topItems >= maxItems) return 'items'; // n commas: n + 1 items
  }
  return undefined;
}

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
      if (params.finite) return `'${field}' must be a finite number.`;
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
    case 'nul':
      return nulMessage(error.instancePath, field);
    case 'pattern':
      return `'${field}' is not valid${error.parentSchema?.description ? ` (${String(error.parentSchema.description)})` : ''}.`;
    default:
      return `'${field}' ${error.message ?? 'is not valid'}.`;
  }
}
