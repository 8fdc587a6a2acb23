#!/usr/bin/env node
// The compiled CLI; `npm install` builds it (the `prepare` script). The single-file bundle starts faster
// (scripts/bundle.js): it is run with V8's code cache recorded at build time, so its functions need not
// be compiled again. It is used unless it is older than the compiled modules (a build whose bundling step
// did not run) or CLICKD_NO_BUNDLE=1 asks for the modules themselves. The cache is recorded per Node.js
// version (its file name says which): V8 takes a cache only from its own version, so a cache recorded under
// another one is never read, rather than read and rejected (which costs its check on top of compiling). An
// agent run on a Node.js that the build did not record a cache for compiles as usual (`npm rebuild`, needed
// anyway for better-sqlite3 after a change of Node.js, records it).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import vm from 'node:vm';

const bundle = new URL('../dist/http/clickd.bundle.cjs', import.meta.url);
const main = new URL('../dist/cli/main.js', import.meta.url);
const mtime = (url) => fs.statSync(url, { throwIfNoEntry: false })?.mtimeMs ?? 0;

if (process.env.CLICKD_NO_BUNDLE !== '1' && mtime(bundle) >= mtime(main)) runBundle(bundle.pathname);
else await import(main.href);

function runBundle(filename) {
  const cacheFile = `${filename}.${process.version}-${process.arch}.cache`;
  // 'write' (the build's warm-up run), 'off', 'check' (say on stderr whether V8 took the cache), or unset
  const mode = process.env.CLICKD_CODE_CACHE;
  let cachedData;
  if (mode !== 'write' && mode !== 'off') {
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      // no cache: compile as usual
    }
  }
  // The bundle is ASCII (scripts/bundle.js checks) and already the function a CommonJS module is wrapped in.
  const source = fs.readFileSync(filename, 'latin1');
  const script = new vm.Script(source, {
    filename,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (mode === 'check') {
    process.stderr.write(`clickd: code cache ${!cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted'}\n`);
  }
  if (mode === 'write') {
    // Written on exit, after the warm-up requests compiled the functions they use.
    process.once('exit', () => fs.writeFileSync(cacheFile, script.createCachedData()));
  }
  const module = { exports: {}, filename, id: filename, loaded: false };
  const require = createRequire(filename);
  script.runInThisContext()(module.exports, require, module, filename, new URL('.', `file://${filename}`).pathname);
}
