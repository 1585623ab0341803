// The search gradient on a real cell (src/probes/credit.ts): Eq. 6 and App. C by hand against
// autodiff, App. D's credit form, App. E's Taylor reading, and credit concentration.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectBackend } from '../src/backends/index.js';
import {
  CellProbe, credits, creditConcentration, gradFromCredits, gradLogAlpha, gradLogAlphaByHand, initialLogAlpha, relativeError,
  removalEffects, sampleWithNoise,
} from '../src/probes/credit.js';
import { mean, pearson } from '../src/util/stats.js';

await selectBackend({ log: () => {} });

test('dL/dZ = <dL/dx_j, O_k(x_i)> and the softmax chain rule to log alpha match autodiff; the credit form is the same gradient', () => {
  const probe = new CellProbe({ channels: 2, size: 4, batch: 3, seed: 1 });
  try {
    const la = initialLogAlpha(2);
    for (const tau of [1, 0.3]) {
      const { z, g } = sampleWithNoise(la, tau, 5);
      const dz = probe.gradZ(z);
      assert.ok(relativeError(probe.gradZByHand(z), dz) < 1e-4, `tau ${tau}: dL/dZ`);
      const auto = gradLogAlpha(probe, la, g, tau);
      assert.ok(relativeError(gradLogAlphaByHand(z, dz, tau), auto) < 1e-4, `tau ${tau}: dL/dlog alpha`);
      assert.ok(relativeError(gradFromCredits(z, credits(z, dz), tau), auto) < 1e-4, `tau ${tau}: credit form`);
      // The check can fail: a Jacobian without the 1/tau factor does not match.
      if (tau !== 1) assert.ok(relativeError(gradLogAlphaByHand(z, dz, 1), auto) > 0.1);
    }
  } finally {
    probe.dispose();
  }
});

test('credit is the first-order term of the loss change when an op leaves its edge (App. E), exact for small Z', () => {
  const probe = new CellProbe({ channels: 2, size: 4, batch: 3, seed: 4 });
  try {
    const { z } = sampleWithNoise(initialLogAlpha(3), 1, 9);
    const c = credits(z, probe.gradZ(z));
    const r = removalEffects(probe, z);
    const small = c.flatMap((row, i) => row.map((v, k) => [v, r[i]![k]!, z[i]![k]!] as const)).filter(([v, , zk]) => zk > 0 && zk < 0.1 && v !== 0);
    assert.ok(small.length > 20, `${small.length} small-Z pairs`);
    const rho = pearson(small.map((p) => p[0]), small.map((p) => p[1]));
    assert.ok(rho > 0.95, `correlation ${rho}`);
  } finally {
    probe.dispose();
  }
});

test('credit concentrates on the sampled op as tau falls', () => {
  const probe = new CellProbe({ channels: 2, size: 4, batch: 3, seed: 2 });
  try {
    const la = initialLogAlpha(1);
    const share = (tau: number) => mean([3, 4, 5].map((seed) => {
      const s = sampleWithNoise(la, tau, seed);
      return mean(creditConcentration(s.z, credits(s.z, probe.gradZ(s.z))));
    }));
    const [hot, cold] = [share(5), share(0.03)];
    assert.ok(hot < 0.3 && cold > 0.7 && cold > 3 * hot, `share at tau 5: ${hot}, at tau 0.03: ${cold}`);
  } finally {
    probe.dispose();
  }
});
