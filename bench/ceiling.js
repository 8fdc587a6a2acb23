// The ceiling: a bare Fastify route returning fixed bytes from memory, the most any Node HTTP server can do
// for that response on this machine. Usage: node bench/ceiling.js <body.json> <port>
import fs from 'node:fs';
import Fastify from 'fastify';

const [file, port] = process.argv.slice(2);
const body = fs.readFileSync(file);
const app = Fastify({ logger: false });
app.get('/*', (request, reply) => {
  reply.header('content-type', 'application/json; charset=utf-8').send(body);
});
await app.listen({ host: '127.0.0.1', port: Number(port) });
process.stdout.write('ready\n');
