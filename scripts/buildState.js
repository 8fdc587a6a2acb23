import { spawnSync } from 'node:child_process';
// Whether dist/ (the compiled modules, the bundle and its code cache: what `clickd` runs) is older than
// what it is built from. scripts/test.js builds first when it is, and the tests of the binary check it.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** What `npm run build` writes, relative to the repository. */
export const BUILD_OUTPUTS = [
  'dist/cli/main.js',
  'dist/http/clickd.bundle.cjs',
  `dist/http/clickd.bundle.cjs.${process.version}-${process.arch}.cache`, // the code cache of this Node.js (bin/clickd.js)
];

/** What the build reads: the modules of src/ (tests excluded), the build's configuration and the dependencies. */
function inputs() {
  const walk = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return walk(full);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
    });
  const config = ['tsconfig.json', 'tsconfig.build.json', 'scripts/bundle.js', 'package-lock.json'].map((f) =>
    path.join(root, f),
  );
  return [...walk(path.join(root, 'src')), ...config.filter((f) => fs.existsSync(f))];
}

/** Why the build is stale (a sentence), or undefined when every output is newer than every input. */
export function staleBuild() {
  const mtime = (file) => fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs;
  let oldest;
  for (const output of BUILD_OUTPUTS) {
    const time = mtime(path.join(root, output));
    if (time === undefined) return `${output} is missing`;
    if (oldest === undefined || time < oldest.time) oldest = { output, time };
  }
  let newest;
  for (const input of inputs()) {
    const time = mtime(input);
    if (newest === undefined || time > newest.time) newest = { input, time };
  }
  if (newest && newest.time > oldest.time) {
    return `${path.relative(root, newest.input)} is newer than ${oldest.output}`;
  }
  return undefined;
}

/**
 * Builds (npm run build) when the build is stale, and exits the process when that fails: the tests of the
 * binary run what users run. Used by scripts/test.js and scripts/test-pg.js.
 */
export function ensureBuilt() {
  const stale = staleBuild();
  if (stale) {
    console.log(`test: the build is stale (${stale}): running npm run build first`);
    const npm = process.env.npm_execpath;
    const build = npm
      ? spawnSync(process.execPath, [npm, 'run', 'build'], { stdio: 'inherit' })
      : spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
    const still = build.status === 0 ? staleBuild() : undefined;
    if (build.status !== 0 || still) {
      console.error(
        `test: npm run build ${build.status !== 0 ? 'failed' : `left the build stale (${still})`}; the tests of the binary cannot run`,
      );
      process.exit(1);
    }
  }
}
