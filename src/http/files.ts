import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { NotFound } from '../errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

const contentTypeOf = (file: string): string => TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

/**
 * A fixed set of files (URL path → file on disk or generated text), each read on its first request and
 * then kept in memory. The console and the API reference are a dozen small files known at start-up; a
 * static-file library would add ~90 ms to every start (cold-start budget: 400 ms to the first answer).
 */
export class FileSet {
  private readonly loaded = new Map<string, Promise<Buffer>>();
  constructor(private readonly files: ReadonlyMap<string, string | (() => string)>) {}

  paths(): string[] {
    return [...this.files.keys()];
  }

  /** Sends the file, or a 404 in the API's error format if the set has no such path. */
  async send(reply: FastifyReply, urlPath: string, headers: Record<string, string> = {}): Promise<FastifyReply> {
    const source = this.files.get(urlPath);
    if (source === undefined) throw new NotFound(`There is no file ${urlPath}.`);
    let body = this.loaded.get(urlPath);
    if (!body) {
      body = typeof source === 'function' ? Promise.resolve(Buffer.from(source())) : fs.readFile(source);
      this.loaded.set(urlPath, body);
      body.catch(() => this.loaded.delete(urlPath)); // a failed read is tried again next time
    }
    const name = typeof source === 'function' ? urlPath : source;
    return reply
      .type(contentTypeOf(name))
      .headers(headers)
      .send(await body);
  }
}

/** Registers one public GET route per file of the set, each hidden from the OpenAPI document. */
export function fileRoutes(app: FastifyInstance, files: FileSet, headers: Record<string, string> = {}): void {
  for (const url of files.paths()) {
    app.get(url, { config: { access: 'public' }, schema: { hide: true } }, (_request, reply) => files.send(reply, url, headers));
  }
}
