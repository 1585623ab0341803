// The layering of src/: the graph of which folder imports which, computed from the sources
// (every relative import, export-from and dynamic import), has no cycle; library code never
// imports the CLI; the report layer reads runs, and nothing below it imports it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/run.js';

const SRC = join(ROOT, 'src');

/** folder -> imported folder -> one example 'file imports specifier'. A file directly in src/ is its own node. */
export function folderGraph(src = SRC): Map<string, Map<string, string>> {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|js|mjs)$/.test(f)) files.push(p);
    }
  };
  walk(src);
  const folder = (p: string) => relative(src, p).split(/[\\/]/)[0]!.replace(/\.(ts|js|mjs)$/, '');
  const graph = new Map<string, Map<string, string>>();
  for (const f of files) {
    const text = readFileSync(f, 'utf8').split('\n').filter((l) => !/^\s*(\/\/|\*)/.test(l)).join('\n');
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const [a, b] = [folder(f), folder(resolve(dirname(f), m[1]!))];
      if (a === b) continue;
      if (!graph.has(a)) graph.set(a, new Map());
      if (!graph.get(a)!.has(b)) graph.get(a)!.set(b, `${relative(src, f)} imports ${m[1]}`);
    }
  }
  return graph;
}

/** The cycles of a graph, each as the folders along it (first = last), one per strongly connected set. */
export function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const found: string[][] = [];
  const seen = new Set<string>();
  for (const start of [...graph.keys()].sort()) {
    const stack: { node: string; path: string[] }[] = [{ node: start, path: [start] }];
    while (stack.length) {
      const { node, path } = stack.pop()!;
      for (const next of graph.get(node)?.keys() ?? []) {
        if (next === start) {
          const key = [...path].sort().join(',');
          if (!seen.has(key)) { seen.add(key); found.push([...path, start]); }
        } else if (!path.includes(next) && next > start) stack.push({ node: next, path: [...path, next] });
      }
    }
  }
  return found;
}

function describe(graph: Map<string, Map<string, string>>, cycle: string[]): string {
  return `${cycle.join(' -> ')} (${cycle.slice(0, -1).map((a, i) => graph.get(a)!.get(cycle[i + 1]!)).join('; ')})`;
}

test('the folder-level import graph of src/ has no cycle', () => {
  const graph = folderGraph();
  assert.ok(graph.size > 10, 'the graph was read from the sources');
  const found = cycles(graph);
  assert.deepEqual(found.map((c) => describe(graph, c)), [], `import cycles between folders of src/:\n${found.map((c) => describe(graph, c)).join('\n')}`);
});

test('the cycle check finds a cycle when there is one, and names it', () => {
  const graph = new Map([['a', new Map([['b', 'a/x.ts imports ../b/y.js']])], ['b', new Map([['c', 'b/y.ts imports ../c/z.js']])], ['c', new Map([['a', 'c/z.ts imports ../a/x.js']])]]);
  const found = cycles(graph);
  assert.equal(found.length, 1);
  assert.equal(describe(graph, found[0]!), 'a -> b -> c -> a (a/x.ts imports ../b/y.js; b/y.ts imports ../c/z.js; c/z.ts imports ../a/x.js)');
});

test('library code never imports the CLI, and only the layers above the report import it', () => {
  const graph = folderGraph();
  const into = (target: string) => [...graph].filter(([, to]) => to.has(target)).map(([from, to]) => `${from}: ${to.get(target)}`);
  assert.deepEqual(into('cli'), [], 'folders importing src/cli/');
  // The layers that publish what the report writes, and the GPU bundle (only the CLI imports it).
  // src/notebook.ts, the one module a notebook imports, re-exports the report (nothing imports it).
  const allowed = new Set(['cli', 'notebooks', 'publish', 'bundle', 'notebook']);
  assert.deepEqual(into('notebook'), [], 'folders importing src/notebook.ts (it is for notebooks only)');
  assert.deepEqual(into('report').filter((l) => !allowed.has(l.split(':')[0]!)), [], 'folders below the report layer importing src/report/');
});
