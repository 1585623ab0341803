// Genotypes as data: the registry, round trips, and clear errors for bad genotypes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { genotypeToData, parseCell, parseGenotype } from '../src/space/genotype.js';
import { publishedGenotypes } from '../src/space/registry.js';

test('the registry holds the five published genotypes', () => {
  assert.deepEqual([...publishedGenotypes().keys()], ['SNAS_mild', 'SNAS_moderate', 'SNAS_aggressive', 'DARTS_V1', 'DARTS_V2']);
});

test('every published genotype survives a round trip through its data form', () => {
  for (const [name, g] of publishedGenotypes()) {
    const back = parseGenotype(name, JSON.parse(JSON.stringify(genotypeToData(g))));
    assert.deepEqual(back, g, name);
  }
});

test('the 8-entry form gives two edges per node, in order', () => {
  const g = publishedGenotypes().get('DARTS_V2')!;
  assert.deepEqual(g.normal.edges.map((e) => e.node), [2, 2, 3, 3, 4, 4, 5, 5]);
  assert.deepEqual(g.normal.edges[7], { op: 'dil_conv_3x3', input: 2, node: 5 });
});

test('the 14-entry (edge_all) form is read in canonical edge order', () => {
  const ops = ['sep_conv_3x3', 'skip_connect', 'none', 'max_pool_3x3', 'none', 'none', 'dil_conv_5x5', 'none', 'none', 'none', 'none', 'avg_pool_3x3', 'none', 'none'];
  const inputs = [0, 1, 0, 1, 2, 0, 1, 2, 3, 0, 1, 2, 3, 4];
  const cell = parseCell(ops.map((op, i) => [op, inputs[i]]), 'x');
  assert.equal(cell.form, 'edge-all');
  assert.deepEqual(cell.edges.map((e) => e.node), [2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5]);
});

test('bad genotypes give errors that say where and what', () => {
  const ok = [['sep_conv_3x3', 0], ['sep_conv_3x3', 1], ['skip_connect', 0], ['dil_conv_3x3', 1], ['skip_connect', 0], ['skip_connect', 1], ['skip_connect', 0], ['sep_conv_3x3', 1]];
  const withEntry = (i: number, v: unknown) => ok.map((e, j) => (j === i ? v : e));
  const cases: [unknown, RegExp][] = [
    [withEntry(3, ['conv_7x7', 1]), /G\.normal\[3\]: unknown op "conv_7x7"; expected one of none, max_pool_3x3/],
    [withEntry(2, ['skip_connect', 3]), /G\.normal\[2\]: input 3 out of range for node 3; expected an integer from 0 to 2/],
    [withEntry(0, ['skip_connect', -1]), /G\.normal\[0\]: input -1 out of range for node 2/],
    [ok.slice(0, 7), /G\.normal: expected 8 entries \(two per node\) or 14 \(one per edge\), got 7/],
    [withEntry(1, 'sep_conv_3x3'), /G\.normal\[1\]: expected \[op, input\]/],
    ['sep_conv_3x3', /G\.normal: expected a list of \[op, input\] pairs/],
  ];
  for (const [normal, want] of cases) assert.throws(() => parseGenotype('G', { normal, reduce: ok }), want);
  assert.throws(() => parseGenotype('G', { normal: ok }), /G: needs both normal and reduce/);
  assert.throws(() => parseGenotype('G', { normal: ok, reduce: ok, concat: [2] }), /G: unknown key 'concat'/);
  const fourteen = Array.from({ length: 14 }, () => ['none', 0]);
  assert.throws(() => parseCell(fourteen, 'E'), /E\[1\]: in the 14-entry form entry 1 is the edge from input 1 to node 2, got input 0/);
});
