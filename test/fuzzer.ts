/**
 * A schema-driven fuzzer for the agent's HTTP API, generated from its own /openapi.json: every operation,
 * with valid inputs and mutated ones (wrong types, missing fields, huge and unicode/NUL strings, numeric
 * extremes, arrays for objects, deep nesting, duplicate and encoded parameter names, wrong content
 * types). Shared by test/fuzz.test.ts (a fixed seed, a few thousand requests) and `npm run fuzz`.
 *
 * The invariants checked on every answer: no 5xx, every non-2xx carries the documented error body
 * {type, status, errors: {type: [messages]}} and the error-code header, no answer slower than 2 s.
 */

const METHODS = ['get', 'post', 'put', 'delete'];
export const MAX_ANSWER_MS = 2000;

/** Deterministic pseudo-random numbers (mulberry32), so a seed reproduces a run. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

type Schema = Record<string, any>;

export interface Operation {
  method: string;
  path: string;
  query: { name: string; required: boolean; schema: Schema }[];
  body?: Schema;
}

export interface FuzzRequest {
  operation: string;
  method: string;
  /** Path and query string, as sent (parameter names may be encoded or repeated on purpose). */
  target: string;
  headers: Record<string, string>;
  body?: string;
  mutation: string;
}

export interface Violation {
  request: FuzzRequest;
  status: number;
  ms: number;
  problem: string;
  text: string;
}

export interface FuzzReport {
  requests: number;
  byStatus: Record<string, number>;
  byMutation: Record<string, number>;
  violations: Violation[];
  slowestMs: number;
  p99Ms: number;
  elapsedMs: number;
}

function resolve(doc: any, schema: Schema | undefined, depth = 0): Schema {
  if (!schema || depth > 20) return {};
  if (typeof schema.$ref === 'string') {
    const name = String(schema.$ref.split('/').pop());
    return resolve(doc, doc.components?.schemas?.[name], depth + 1);
  }
  return schema;
}

/** Every operation of the document with its query parameters and JSON body schema. */
export function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, any>)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const query = ((op.parameters ?? []) as any[])
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name as string, required: Boolean(p.required), schema: resolve(doc, p.schema) }));
      const body = op.requestBody?.content?.['application/json']?.schema;
      ops.push({ method: method.toUpperCase(), path, query, body: body ? resolve(doc, body) : undefined });
    }
  }
  return ops;
}

const STRANGE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '😀'.repeat(50),
  'مرحبا',
  '\u202e\u202d',
  '%00',
  '%',
  '../../etc/passwd',
  "' or 1=1 --",
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'null',
  'true',
  'NaN',
  '-0',
  '1e309',
  'Infinity',
];
const EXTREME_NUMBERS_TEXT = [
  'Infinity',
  '-Infinity',
  'NaN',
  '1e309',
  '-1e309',
  '-0',
  '0',
  '-1',
  '1.5',
  '9007199254740993',
  '1e20',
  '0x10',
  ' 1',
];
const NON_FINITE_TEXT = ['Infinity', 'NaN', '1e309', '-0'];
const EXTREME_NUMBERS_JSON = ['1e309', '-1e309', '-0', '0', '-1', '1.5', '9007199254740993', '1e308', '-1e308', '1e-400'];
const UUID_LIKE = ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '00000000-0000-0000-0000-000000000000'];

/** Builds requests for the operations of a document; ids seen in answers feed later requests. */
export class Fuzzer {
  readonly ids: string[] = [];
  private counter = 0;
  /** The start of the next day: dates relative to it are the same for a seed all day long. */
  private readonly today = Math.ceil(Date.now() / 86_400_000) * 86_400_000;

  constructor(
    readonly operations: Operation[],
    readonly random: Random,
  ) {}

  private uuid(): string {
    if (this.ids.length > 0 && this.random.chance(0.7)) return this.random.pick(this.ids);
    if (this.random.chance(0.5)) return this.random.pick(UUID_LIKE);
    const hex = () => this.random.int(0, 0xffff).toString(16).padStart(4, '0');
    return `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-a${hex().slice(1)}-${hex()}${hex()}${hex()}`;
  }

  /** A value that satisfies the schema as far as is easy to tell. */
  valid(schema: Schema, depth = 0): unknown {
    if (depth > 6) return null;
    if (schema.enum) return this.random.pick(schema.enum as unknown[]);
    if (schema.const !== undefined) return schema.const;
    // A documented default is valid by definition (a sort field, say, that no generator could guess).
    if (schema.default !== undefined && this.random.chance(0.6)) return schema.default;
    const alternatives = schema.anyOf ?? schema.oneOf;
    if (alternatives) return this.valid(this.random.pick(alternatives as Schema[]), depth + 1);
    const type = Array.isArray(schema.type) ? this.random.pick(schema.type.filter((t: string) => t !== 'null')) : schema.type;
    switch (type) {
      case 'string': {
        if (schema.format === 'uuid') return this.uuid();
        if (schema.format === 'email') return `fuzz${++this.counter}-${this.random.int(0, 1e6)}@example.com`;
        if (schema.format === 'date-time') return new Date(this.today + this.random.int(-1e9, 1e10)).toISOString();
        if (schema.pattern && /\[Tt\]|true/.test(String(schema.pattern))) return this.random.pick(['true', 'FALSE', '1', '0']);
        const min = schema.minLength ?? 1;
        const max = Math.min(schema.maxLength ?? 24, 24);
        const base = `fuzz ${++this.counter} ${this.random.pick(['a', 'Zeta', 'é', '😀', 'x y'])}`;
        return base.length > max ? base.slice(0, Math.max(min, max)) : base.padEnd(min, 'x');
      }
      case 'integer':
      case 'number': {
        const min = schema.minimum ?? 0;
        const max = Math.min(schema.maximum ?? min + 100, min + 100);
        return this.random.int(min, max);
      }
      case 'boolean':
        return this.random.chance(0.5);
      case 'array': {
        const min = schema.minItems ?? 0;
        const max = Math.min(schema.maxItems ?? 3, Math.max(min, 3));
        return Array.from({ length: this.random.int(min, max) }, () => this.valid(schema.items ?? {}, depth + 1));
      }
      case 'object':
      default: {
        if (!schema.properties) return type === 'object' ? {} : 'x';
        const required = new Set<string>(schema.required ?? []);
        const out: Record<string, unknown> = {};
        for (const [key, child] of Object.entries(schema.properties as Record<string, Schema>)) {
          if (required.has(key) || this.random.chance(0.5)) out[key] = this.valid(child, depth + 1);
        }
        return out;
      }
    }
  }

  private strange(): unknown {
    switch (this.random.int(0, 7)) {
      case 0:
        return this.random.pick(STRANGE_STRINGS);
      case 1:
        return 'x'.repeat(this.random.pick([256, 1025, 70_000]));
      case 2:
        return this.random.pick([true, false, null]);
      case 3:
        return this.random.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2]);
      case 4:
        return [this.random.pick(STRANGE_STRINGS)];
      case 5:
        return { nested: { deeper: [1, 'two'] } };
      case 6:
        return this.random.pick(UUID_LIKE);
      default:
        return '\u0000'.repeat(this.random.int(1, 50));
    }
  }

  /** One request: valid about a third of the time, else with one mutation. */
  next(authorization: () => string | undefined): FuzzRequest {
    const op = this.random.pick(this.operations);
    let mutation = this.random.chance(0.35)
      ? 'valid'
      : this.random.pick([
          'wrong-type',
          'missing-field',
          'strange-string',
          'numeric-extreme',
          'array-for-object',
          'object-for-array',
          'deep-nesting',
          'duplicate-parameter',
          'encoded-parameter-name',
          'wrong-content-type',
          'invalid-json',
          'unknown-fields',
          'no-token',
          'bad-token',
        ]);
    const params: [string, string][] = [];
    for (const p of op.query) {
      if (p.name === 'token') continue;
      if (p.required || this.random.chance(0.4)) {
        const value = this.valid(p.schema);
        params.push([p.name, typeof value === 'string' ? value : JSON.stringify(value)]);
      }
    }
    let body: unknown = op.body ? this.valid(op.body) : undefined;
    let bodyText: string | undefined;
    const headers: Record<string, string> = {};
    let token = authorization();
    const mutateParam = (change: (name: string) => void) => {
      const candidates = op.query.filter((p) => p.name !== 'token');
      if (candidates.length === 0) return false;
      change(this.random.pick(candidates).name);
      return true;
    };
    const mutateBodyField = (change: (obj: Record<string, unknown>, key: string) => void) => {
      const target = Array.isArray(body) ? body[0] : body;
      if (!target || typeof target !== 'object') return false;
      const keys = Object.keys(op.body?.items?.properties ?? op.body?.properties ?? {});
      if (keys.length === 0) return false;
      change(target as Record<string, unknown>, this.random.pick(keys));
      return true;
    };
    const setParam = (name: string, value: string) => {
      const i = params.findIndex(([n]) => n === name);
      if (i === -1) params.push([name, value]);
      else params[i] = [name, value];
    };
    let applied = true;
    switch (mutation) {
      case 'wrong-type':
        applied =
          mutateBodyField((o, k) => (o[k] = this.strange())) ||
          mutateParam((n) => setParam(n, this.random.pick(['[object Object]', 'true', '', '[1,2]'])));
        break;
      case 'missing-field':
        applied =
          mutateBodyField((o, k) => delete o[k]) ||
          mutateParam((n) => {
            const i = params.findIndex(([name]) => name === n);
            if (i !== -1) params.splice(i, 1);
          });
        break;
      case 'strange-string':
        applied =
          mutateBodyField((o, k) => (o[k] = this.random.pick(STRANGE_STRINGS) + 'x'.repeat(this.random.pick([0, 300, 5000])))) ||
          mutateParam((n) => setParam(n, this.random.pick(STRANGE_STRINGS)));
        break;
      case 'numeric-extreme': {
        // One numeric parameter gets an extreme (a non-finite one half the time), the others stay valid so
        // that their refusal does not hide its; a text parameter only when there is no numeric one.
        const extreme = () => this.random.pick(this.random.chance(0.5) ? NON_FINITE_TEXT : EXTREME_NUMBERS_TEXT);
        const numeric = op.query.filter((p) => p.schema.type === 'integer' || p.schema.type === 'number');
        if (numeric.length > 0) setParam(this.random.pick(numeric).name, extreme());
        const paramDone = numeric.length > 0 || mutateParam((n) => setParam(n, extreme()));
        if (op.body && body && typeof body === 'object') {
          // Written into the JSON text: 1e309 and -0 have no JavaScript literal that JSON.stringify keeps.
          const target = Array.isArray(body) ? body[0] : body;
          if (target && typeof target === 'object') {
            const keys = Object.keys(target as object);
            if (keys.length > 0) {
              const key = this.random.pick(keys);
              (target as Record<string, unknown>)[key] = '__EXTREME__';
              bodyText = JSON.stringify(body).replace('"__EXTREME__"', this.random.pick(EXTREME_NUMBERS_JSON));
            }
          }
        }
        applied = paramDone || bodyText !== undefined;
        break;
      }
      case 'array-for-object':
        if (op.body) body = [body, body];
        else params.push(['page', '[1]']);
        break;
      case 'object-for-array':
        if (op.body) body = Array.isArray(body) ? { ...(body[0] as object) } : { value: body };
        else applied = mutateParam((n) => setParam(n, '{"a":1}'));
        break;
      case 'deep-nesting': {
        const depth = this.random.pick([30, 63, 65, 500, 20_000]);
        bodyText = `${'['.repeat(depth)}${']'.repeat(depth)}`;
        if (this.random.chance(0.5)) bodyText = `{"name":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
        break;
      }
      case 'duplicate-parameter':
        if (params.length > 0) {
          const [name, value] = this.random.pick(params);
          params.push([name, value]);
        } else params.push(['page', '1'], ['page', '2']);
        if (this.random.chance(0.3) && token) {
          params.push(['token', token], ['token', token]);
          token = undefined;
        }
        break;
      case 'encoded-parameter-name':
        if (token && this.random.chance(0.5)) {
          params.push([this.random.pick(['%74oken', '%74%6F%6B%65%6E', 'to%6ben', 'TOKEN']), token]);
          token = undefined;
        } else if (params.length > 0) {
          const i = this.random.int(0, params.length - 1);
          const [name, value] = params[i]!;
          params[i] = [`%${name.charCodeAt(0).toString(16)}${name.slice(1)}`, value];
        } else params.push(['%70age', 'Infinity']);
        break;
      case 'wrong-content-type':
        headers['content-type'] = this.random.pick([
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/json; charset=utf-16',
          'application/jsonx',
        ]);
        bodyText = op.body ? JSON.stringify(body ?? {}) : 'a=1&b=2';
        break;
      case 'invalid-json':
        bodyText = this.random.pick(['{', '{"a":}', "{'a':1}", '[1,]', 'null', '"text"', '123', '\u0000', '{"a":"\\ud800"}', '']);
        headers['content-type'] = 'application/json';
        break;
      case 'unknown-fields':
        if (body && typeof body === 'object' && !Array.isArray(body)) (body as Record<string, unknown>).__proto_x = 1;
        params.push(['unknownParam', 'x']);
        break;
      case 'no-token':
        token = undefined;
        break;
      case 'bad-token':
        token = this.random.pick(['x', 'eyJhbGciOiJIUzI1NiJ9.e30.abc', 'a'.repeat(5000), '\u0000']);
        break;
    }
    if (!applied) mutation = `${mutation} (not applicable: valid)`;
    if (token !== undefined) {
      // A header cannot carry a NUL: such a token goes in the query string.
      if (this.random.chance(0.5) && !token.includes('\u0000')) headers.authorization = `Bearer ${token}`;
      else params.push(['token', token]);
    }
    if (bodyText === undefined && body !== undefined && (op.method !== 'GET' || mutation !== 'valid'))
      bodyText = JSON.stringify(body);
    if (bodyText !== undefined && op.method === 'GET') bodyText = undefined;
    if (bodyText !== undefined) headers['content-type'] ??= 'application/json';
    // A lone surrogate has no UTF-8 form: sent as the bytes of one (invalid UTF-8), which a client could do.
    const component = (s: string) => {
      try {
        return encodeURIComponent(s);
      } catch {
        return encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '')) + '%ED%A0%80';
      }
    };
    // Values keep their own escapes now and then ("%00", "%"), to send what a careless client would.
    const encode = (s: string) => (this.random.chance(0.5) ? component(s).replace(/%25([0-9A-Fa-f]{2})/g, '%$1') : component(s));
    const query = params
      .map(([n, v]) => `${n.includes('%') ? n : component(n)}=${n === 'token' ? component(v) : encode(v)}`)
      .join('&');
    return {
      operation: `${op.method} ${op.path}`,
      method: op.method,
      target: query ? `${op.path}?${query}` : op.path,
      headers,
      body: bodyText,
      mutation,
    };
  }

  /** Keeps the ids a successful answer mentions, so that later requests name records that exist. */
  learn(body: unknown, depth = 0): void {
    if (depth > 5 || !body || typeof body !== 'object') return;
    if (Array.isArray(body)) {
      for (const item of body.slice(0, 20)) this.learn(item, depth + 1);
      return;
    }
    for (const [key, value] of Object.entries(body)) {
      if (typeof value === 'string' && /id$/i.test(key) && /^[0-9a-f-]{36}$/i.test(value)) {
        if (this.ids.length >= 300) this.ids.splice(this.random.int(0, 299), 1);
        this.ids.push(value);
      } else this.learn(value, depth + 1);
    }
  }
}

/** The invariants of one answer; undefined when it keeps them. */
export function checkAnswer(status: number, headers: Headers, text: string, ms: number): string | undefined {
  if (ms > MAX_ANSWER_MS) return `answered in ${Math.round(ms)} ms`;
  if (status >= 500) return `status ${status}`;
  if (status < 300) {
    // A list's envelope echoes its paging options as numbers (Infinity would be serialized as null).
    if (text.startsWith('{"data":') && /"(page|pageSize|total)":null|"(page|pageSize)":-?0[,}]/.test(text))
      return 'a list envelope with a null or zero page option';
    return undefined;
  }
  if (status === 101) return undefined;
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return 'the error body is not JSON';
  }
  const code = headers.get('error-code');
  if (!code) return 'no error-code header';
  if (body?.type !== code) return `body type ${body?.type} is not the error-code header ${code}`;
  if (body.status !== status) return `body status ${body.status} is not the HTTP status`;
  const messages = body.errors?.[code];
  if (!Array.isArray(messages) || messages.length === 0 || Object.keys(body.errors).length !== 1) return 'errors map malformed';
  if (messages.some((m: unknown) => typeof m !== 'string')) return 'a message is not a string';
  if (text.length > 10_000) return `error body of ${text.length} bytes`;
  return undefined;
}

export interface FuzzOptions {
  baseUrl: string;
  requests: number;
  seed: number;
  concurrency?: number;
  /** A valid token for the caller; asked again when a session ends (a fuzzed logout may end it). */
  token: () => Promise<string>;
  /** Operations left out (by "METHOD /path"). */
  skip?: string[];
  onProgress?: (done: number) => void;
}

/** Runs the fuzzer against a running agent and reports what it saw. */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const doc = await (await fetch(`${options.baseUrl}/openapi.json`)).json();
  const operations = operationsOf(doc).filter((op) => !(options.skip ?? []).includes(`${op.method} ${op.path}`));
  const fuzzer = new Fuzzer(operations, new Random(options.seed));
  let token = await options.token();
  const report: FuzzReport = { requests: 0, byStatus: {}, byMutation: {}, violations: [], slowestMs: 0, p99Ms: 0, elapsedMs: 0 };
  const times: number[] = [];
  const started = performance.now();
  let issued = 0;
  const worker = async () => {
    while (issued < options.requests) {
      issued++;
      const request = fuzzer.next(() => token);
      const t0 = performance.now();
      let status = 0;
      let text = '';
      let headers = new Headers();
      try {
        const res = await fetch(`${options.baseUrl}${request.target}`, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal: AbortSignal.timeout(10_000),
        });
        text = await res.text();
        status = res.status;
        headers = res.headers;
      } catch (err) {
        text = String(err);
      }
      const ms = performance.now() - t0;
      times.push(ms);
      report.requests++;
      report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
      const kind = request.mutation.split(' ')[0]!;
      report.byMutation[kind] = (report.byMutation[kind] ?? 0) + 1;
      report.slowestMs = Math.max(report.slowestMs, ms);
      const problem = status === 0 ? `no answer: ${text}` : checkAnswer(status, headers, text, ms);
      if (problem) report.violations.push({ request, status, ms, problem, text: text.slice(0, 500) });
      if (status >= 200 && status < 300 && text.startsWith('{')) {
        try {
          fuzzer.learn(JSON.parse(text));
        } catch {
          // not JSON after all
        }
      }
      if (status === 401 && headers.get('error-code') === 'SESSION') token = await options.token();
      options.onProgress?.(report.requests);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  report.elapsedMs = performance.now() - started;
  times.sort((a, b) => a - b);
  report.p99Ms = times[Math.floor(times.length * 0.99)] ?? 0;
  return report;
}
