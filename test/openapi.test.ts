import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { registeredRoutes, type RegisteredRoute } from '../src/http/openapi.js';
import { Client, createAccount, startTestServer, type TestServer } from './helpers.js';

/** Issue 4 item 1: the OpenAPI 3.1 document at /openapi.json and the reference page at /docs. */

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const ERROR_BODY_REF = '#/components/schemas/ErrorBody';
const WEBSOCKETS = ['/notification', '/statechange'];
const ANSWERS_401 = ['/authentication/login', '/api/authentication/login', ...WEBSOCKETS];

let server: TestServer;
let anonymous: Client;
let doc: any;
let routes: RegisteredRoute[];

before(async () => {
  server = await startTestServer();
  anonymous = new Client(server.url);
  const res = await anonymous.get('/openapi.json');
  assert.equal(res.status, 200, res.text);
  doc = res.body;
  routes = registeredRoutes(server.app).filter((r) => r.method !== 'HEAD');
});
after(() => server.close());

/** Every operation of the document as [METHOD path, operation]. */
function operations(): [string, any][] {
  return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]): [string, any] => [`${method.toUpperCase()} ${path}`, op]),
  );
}

function op(method: string, path: string): any {
  const found = doc.paths[path]?.[method];
  assert.ok(found, `${method.toUpperCase()} ${path} is not documented`);
  return found;
}

/** A GET through node:http, which (unlike fetch) lets the test choose the Host header. */
function rawGet(path: string, host: string): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path, headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /openapi.json', () => {
  test('is a valid OpenAPI 3.1 document, served without a token', async () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.match(doc.info.title, /clickd/);
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  });

  test('documents every registered route with its method, and nothing else', () => {
    const visible = routes.filter((r) => !r.hidden);
    assert.ok(visible.length >= 25, `only ${visible.length} routes registered?`);
    const expected = visible.map((r) => `${r.method} ${r.url}`).sort();
    const documented = operations()
      .map(([key]) => key)
      .sort();
    assert.deepEqual(documented, expected);
    // The registry is what Fastify announced: each entry is a route its router really serves.
    for (const r of routes) assert.ok(server.app.hasRoute({ method: r.method as 'GET', url: r.url }), `${r.method} ${r.url}`);
  });

  test('keeps the hidden routes out: the document itself and the reference page', () => {
    const hidden = routes.filter((r) => r.hidden).map((r) => r.url);
    for (const url of ['/openapi.json', '/docs', '/docs/json', '/docs/static/*']) {
      assert.ok(hidden.includes(url), `${url} should be registered and hidden`);
      assert.equal(doc.paths[url], undefined, `${url} should not be documented`);
    }
  });

  test('declares the token (query) and bearer security schemes and the shared ErrorBody', () => {
    assert.deepEqual(doc.components.securitySchemes.token, {
      type: 'apiKey',
      in: 'query',
      name: 'token',
      description: doc.components.securitySchemes.token.description,
    });
    assert.equal(doc.components.securitySchemes.bearer.type, 'http');
    assert.equal(doc.components.securitySchemes.bearer.scheme, 'bearer');
    const errorBody = doc.components.schemas.ErrorBody;
    assert.deepEqual([...errorBody.required].sort(), ['errors', 'status', 'type']);
    assert.equal(errorBody.properties.errors.additionalProperties.items.type, 'string');
    assert.equal(doc.security, undefined, 'no global requirement: public routes must stay open');
  });

  test('every operation has a 200 and a 499 with ErrorBody and the error-code header', () => {
    for (const [key, operation] of operations()) {
      // A WebSocket route succeeds with 101 Switching Protocols (issue 12), every other with 200.
      const upgrade = WEBSOCKETS.some((path) => key === `GET ${path}`);
      assert.ok(operation.responses[upgrade ? '101' : '200'], `${key}: no ${upgrade ? 101 : 200}`);
      if (upgrade) assert.equal(operation.responses['200'], undefined, `${key}: not a plain 200`);
      const error = operation.responses['499'];
      assert.equal(error?.content?.['application/json']?.schema?.$ref, ERROR_BODY_REF, `${key}: 499`);
      assert.ok(error.headers?.['error-code']?.schema, `${key}: 499 without the error-code header`);
      assert.ok(operation.operationId, `${key}: no operationId`);
    }
    const ids = operations().map(([, o]) => o.operationId);
    assert.equal(new Set(ids).size, ids.length, 'operationIds must be unique');
  });

  test('protected routes need the token and document 401; public routes need nothing', () => {
    const visible = routes.filter((r) => !r.hidden);
    assert.ok(visible.some((r) => r.public) && visible.some((r) => !r.public));
    for (const route of visible) {
      const operation = op(route.method.toLowerCase(), route.url);
      const key = `${route.method} ${route.url}`;
      if (route.public) {
        assert.equal(operation.security, undefined, `${key} is public`);
        // Public routes answer no 401, but login (wrong credentials) and the WebSocket upgrades (issue 12).
        if (!ANSWERS_401.includes(route.url)) assert.equal(operation.responses['401'], undefined, `${key} is public`);
        else assert.equal(operation.responses['401']?.content?.['application/json']?.schema?.$ref, ERROR_BODY_REF, key);
      } else {
        // The Web routes (/api/..., test/web-routes.test.ts) take the token as a Bearer header only.
        const expected = route.url.startsWith('/api/') ? [{ bearer: [] }] : [{ token: [] }, { bearer: [] }];
        assert.deepEqual(operation.security, expected, key);
        assert.equal(operation.responses['401']?.content?.['application/json']?.schema?.$ref, ERROR_BODY_REF, key);
      }
    }
    assert.equal(op('post', '/authentication/login').security, undefined);
    assert.equal(
      op('post', '/authentication/login').responses['429']?.content?.['application/json']?.schema?.$ref,
      ERROR_BODY_REF,
    );
    assert.equal(op('get', '/management/agent_status').security, undefined);
    assert.ok(op('get', '/projects/get_all').security);
  });

  test('projects/insert: the body requires a name of at most 100 characters; the answer is a Project', () => {
    const insert = op('post', '/projects/insert');
    const body = insert.requestBody.content['application/json'].schema;
    assert.ok(body.required.includes('name'));
    assert.equal(body.properties.name.maxLength, 100);
    assert.equal(body.properties.name.minLength, 1);
    assert.equal(body.properties.active.type, 'boolean');
    const project = insert.responses['200'].content['application/json'].schema;
    assert.ok(['id', 'name', 'description', 'active', 'deleted'].every((f) => project.properties[f]));
  });

  test('projects/get_all: the documented paging query parameters, and a DTOCollection of Project', () => {
    const list = op('get', '/projects/get_all');
    const params = Object.fromEntries(list.parameters.map((p: any) => [p.name, p]));
    for (const name of ['page', 'pagesize', 'sortfield', 'descending', 'name']) {
      assert.equal(params[name]?.in, 'query', `${name} parameter`);
      assert.equal(params[name].required, false);
    }
    assert.equal(params.page.schema.default, 1);
    assert.equal(params.pagesize.schema.default, 50);
    assert.equal(params.pagesize.schema.maximum, 1000);
    assert.equal(params.sortfield.schema.default, 'Name');
    const collection = list.responses['200'].content['application/json'].schema;
    assert.deepEqual([...collection.required].sort(), ['data', 'options', 'total']);
    assert.equal(collection.properties.data.items.$ref, '#/components/schemas/Project');
    assert.ok(doc.components.schemas.Project.properties.name);
  });

  test('routes answering "HTTP 200 with no body" are documented as a 200 without content', () => {
    for (const [method, path] of [
      ['delete', '/projects/delete'],
      ['post', '/projects/restore'],
      ['post', '/projects/assign_sharedclouddrive'],
      ['delete', '/projects/unassign_sharedclouddrive'],
      ['post', '/authentication/logout'],
    ] as const) {
      const ok = op(method, path).responses['200'];
      assert.equal(ok.content, undefined, `${method} ${path}`);
      assert.ok(ok.description);
    }
    const id = op('delete', '/projects/delete').parameters.find((p: any) => p.name === 'id');
    assert.equal(id.required, true);
    assert.equal(id.schema.format, 'uuid');
  });

  test('the documented ErrorBody describes a real 499', async () => {
    const { client } = await createAccount(server);
    const res = await client.post('/projects/insert', { description: 'no name' });
    assert.equal(res.status, 499);
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile({ ...doc.components.schemas.ErrorBody, $id: undefined });
    assert.equal(validate(res.body), true, JSON.stringify(validate.errors));
    const unauthorized = await anonymous.get('/projects/get_all');
    assert.equal(unauthorized.status, 401);
    assert.equal(validate(unauthorized.body), true, JSON.stringify(validate.errors));
  });
});

describe('GET /docs', () => {
  test('serves a reference page without a token, loading nothing from outside the agent', async () => {
    const res = await anonymous.get('/docs');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(res.text, /<div id="swagger-ui">/);
    assert.doesNotMatch(res.text, /https?:\/\//i, 'the page names no absolute URL');
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.doesNotMatch(csp, /https?:|\*/, 'the CSP allows no other origin');
    const assets = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.length >= 4, `assets: ${assets.join(', ')}`);
    for (const asset of assets) {
      assert.match(asset, /^\/docs\//, `${asset} is served by the agent`);
      const loaded = await anonymous.get(asset);
      assert.equal(loaded.status, 200, asset);
      assert.ok(loaded.text.length > 0, asset);
    }
  });

  test('the page loads the same document as /openapi.json, from a relative URL', async () => {
    const initializer = await anonymous.get('/docs/static/swagger-initializer.js');
    assert.equal(initializer.status, 200);
    assert.match(initializer.text, /url: resolveUrl\('\.\/json'\)/);
    assert.match(initializer.text, /validatorUrl: null/, 'no call to the public validator');
    const json = await anonymous.get('/docs/json');
    assert.deepEqual(json.body, doc);
  });

  test('the Host check still guards the reference page and the document', async () => {
    for (const path of ['/docs', '/openapi.json']) {
      assert.equal((await rawGet(path, `localhost:${server.port}`)).status, 200, path);
      const rebound = await rawGet(path, 'attacker.example');
      assert.equal(rebound.status, 403, path);
      assert.equal(rebound.headers['error-code'], 'SECURITY');
    }
  });
});
