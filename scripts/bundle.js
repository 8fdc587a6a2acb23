// Bundles the compiled CLI (dist/cli/main.js) and most of its dependencies into one CommonJS file, then
// records V8's code cache for it, so that the agent starts by reading one file whose functions are
// already compiled instead of parsing hundreds of modules: that is most of the cold start (budget: 400 ms
// to the first answer). bin/clickd.js runs the bundle with its code cache when both exist.
// The bundle sits in dist/http/ so that paths built from its URL (the console's static files,
// ../../package.json) resolve as they do from the unbundled modules there. Packages that read their own
// files or load native code stay external.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const bundle = path.join(root, 'dist/http/clickd.bundle.cjs');
// The code cache of this Node.js (bin/clickd.js reads the one of the Node.js it runs on).
const cache = `${bundle}.${process.version}-${process.arch}.cache`;
// Any cache recorded before (for this or another Node.js) was recorded for the previous bundle.
const removeCaches = () => {
  for (const name of fs.readdirSync(path.dirname(bundle))) {
    if (name.startsWith(`${path.basename(bundle)}.`) && name.endsWith('.cache')) fs.rmSync(path.join(path.dirname(bundle), name));
  }
};

await build({
  entryPoints: [path.join(root, 'dist/cli/main.js')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // thread-stream is only used by pino's transports (not by the agent) and locates its worker by path.
  external: ['better-sqlite3', 'thread-stream'],
  // The modules locate files next to themselves through import.meta.url, which CommonJS lacks.
  define: { 'import.meta.url': '__clickdBundleUrl' },
  // The file is the function that Node.js would wrap a CommonJS module in, so that bin/clickd.js compiles
  // it as read, without building a second copy of a 2 MB string.
  banner: {
    js: "(function (exports, require, module, __filename, __dirname) {'use strict';var __clickdBundleUrl = require('node:url').pathToFileURL(__filename).href;",
  },
  footer: { js: '})' },
  legalComments: 'none',
  // Without comments and indentation the file is a third smaller and pure ASCII, which V8 keeps as a
  // one-byte string (half the memory of a two-byte one) and reads faster. Names are kept for stack traces,
  // and the source map (used with node --enable-source-maps) points back to dist/.
  minifyWhitespace: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});
removeCaches();
// bin/clickd.js reads the bundle as Latin-1, several times faster than decoding UTF-8: that is only the same
// text while every byte is ASCII (esbuild escapes non-ASCII characters in code; comments are gone).
const nonAscii = fs.readFileSync(bundle).findIndex((byte) => byte > 0x7f);
if (nonAscii !== -1) throw new Error(`bundle: ${bundle} has a non-ASCII byte at offset ${nonAscii}`);

// The code cache: run the agent once from the bundle through the requests a script makes first (sign-in,
// a list, a details list, an error), and let bin/clickd.js write V8's cache of what got compiled on exit.
const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
// A failed warm-up leaves the agent without the cache (slower to start), never the build failed.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clickd-warm-'));
const clickd = path.join(root, 'bin/clickd.js');
const env = { ...process.env, CLICKD_LOG_FILE: path.join(dataDir, 'clickd.log'), CLICKD_CODE_CACHE: 'write' };
try {
  await warmUp();
} catch (err) {
  fs.rmSync(cache, { force: true });
  console.warn(`bundle: the code cache could not be recorded (${err.message}); the agent starts without it`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}

async function warmUp() {
  const owner = { email: 'warm-up@example.com', password: 'warm-up-password-1' };
  const created = spawnSync(
    process.execPath,
    [
      clickd,
      'account',
      'create',
      '--data-dir',
      dataDir,
      '--name',
      'Warm Up',
      '--email',
      owner.email,
      '--password',
      owner.password,
    ],
    { env: { ...env, CLICKD_CODE_CACHE: 'off' }, encoding: 'utf8' },
  );
  if (created.status !== 0) throw new Error(`account create failed: ${created.stderr}`);
  const port = await freePort();
  const agent = spawn(process.execPath, [clickd, 'serve', '--port', String(port), '--data-dir', dataDir], {
    env,
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => agent.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const call = (method, p, body) =>
    fetch(url + p, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body && JSON.stringify(body) });
  for (let i = 0; ; i++) {
    try {
      await call('GET', '/management/agent_status');
      break;
    } catch (err) {
      if (i > 300) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const login = await (
    await call('POST', '/authentication/login', { username: owner.email, password: owner.password, type: 16 })
  ).json();
  const token = `token=${encodeURIComponent(login.jwtToken)}`;
  await call('POST', `/projects/insert?${token}`, { name: 'Warm-up project' });
  for (const p of ['/projects/get_all', '/projects/get_all_with_details', '/sharedclouddrive/get_all', '/authentication/user']) {
    await call('GET', `${p}?page=1&pagesize=50&sortfield=Name&${token}`);
  }
  await call('POST', `/projects/insert?${token}`, { name: '' }); // an error answer
  agent.kill('SIGTERM');
  await exited;
  if (!fs.existsSync(cache)) throw new Error('the warm-up run wrote no cache');
}
