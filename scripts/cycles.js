// Finds import cycles among the TypeScript modules of src/ (type-only imports included: a cycle through
// `import type` still ties the modules' designs together), and imports from a lower layer to a higher one
// (RANKS below). `node scripts/cycles.js [dir]` prints each problem and exits 1 when there is one;
// test/routes.test.ts runs it with `npm test`.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Every .ts module under dir (tests excluded: they may import anything). */
function modules(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return modules(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

// import ... from '...', import '...', export ... from '...', import('...'); comments removed first.
const SPECIFIER =
  /(?:\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?|\bexport\s+(?:type\s+)?[\w*{}\s,$]+?\s+from\s+|\bimport\s*\(\s*)['"]([^'"]+)['"]/g;

/** The modules of src/ that `file` imports (relative specifiers only; packages cannot close a cycle). */
export function importsOf(file, source = fs.readFileSync(file, 'utf8')) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = new Set();
  for (const match of code.matchAll(SPECIFIER)) {
    const specifier = match[1];
    if (!specifier.startsWith('.')) continue;
    const resolved = path.resolve(path.dirname(file), specifier).replace(/\.js$/, '.ts');
    if (fs.existsSync(resolved)) found.add(resolved);
    else if (fs.existsSync(path.join(resolved, 'index.ts'))) found.add(path.join(resolved, 'index.ts'));
  }
  return [...found];
}

/** The import cycles among the modules under dir, each as the list of files around it (Tarjan's components). */
export function findCycles(dir = path.join(root, 'src')) {
  const graph = new Map(modules(dir).map((file) => [file, importsOf(file)]));
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  let counter = 0;
  const visit = (node) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)));
    }
    if (low.get(node) === index.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfImport = (graph.get(node) ?? []).includes(node);
      if (component.length > 1 || selfImport) cycles.push(component.map((f) => path.relative(root, f)).sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

/** The layers of src/, lowest first: a module never imports from a higher layer. */
const RANKS = {
  'errors.ts': 0,
  'config.ts': 0,
  'heap.ts': 0,
  store: 1,
  'context.ts': 2,
  domain: 3,
  http: 4,
  api: 5,
  'app.ts': 6,
  'server.ts': 7,
  cli: 8,
};
function layerOf(dir, file) {
  const top = path.relative(dir, file).split(path.sep)[0];
  return top in RANKS ? top : undefined;
}

/** Imports from a lower layer of src/ to a higher one, as "importer → imported". */
export function layerViolations(dir = path.join(root, 'src')) {
  const violations = [];
  for (const file of modules(dir)) {
    const from = layerOf(dir, file);
    for (const imported of importsOf(file)) {
      const to = layerOf(dir, imported);
      if (from && to && RANKS[from] < RANKS[to])
        violations.push(`${path.relative(root, file)} → ${path.relative(root, imported)}`);
    }
  }
  return violations;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const dir = path.resolve(process.argv[2] ?? path.join(root, 'src'));
  const cycles = findCycles(dir);
  for (const cycle of cycles) console.error(`import cycle among ${cycle.length} modules:\n  ${cycle.join('\n  ')}`);
  const violations = layerViolations(dir);
  for (const violation of violations) console.error(`import from a lower layer to a higher one: ${violation}`);
  if (cycles.length > 0 || violations.length > 0) process.exit(1);
  console.log(`no import cycles in ${path.relative(root, dir) || '.'}/, and no import from a lower layer to a higher one`);
}
