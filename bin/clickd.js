#!/usr/bin/env node
// The compiled CLI; `npm install` builds it (the `prepare` script). The single-file bundle starts faster
// (scripts/bundle.js); it is used unless it is older than the compiled modules (a build whose bundling
// step did not run) or CLICKD_NO_BUNDLE=1 asks for the modules themselves.
import fs from 'node:fs';

const bundle = new URL('../dist/http/clickd.bundle.mjs', import.meta.url);
const main = new URL('../dist/cli/main.js', import.meta.url);
const mtime = (url) => fs.statSync(url, { throwIfNoEntry: false })?.mtimeMs ?? 0;
if (process.env.CLICKD_NO_BUNDLE !== '1' && mtime(bundle) >= mtime(main)) await import(bundle.href);
else await import(main.href);
