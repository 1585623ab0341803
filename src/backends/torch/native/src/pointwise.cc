// Direct pointwise (1x1, stride 1, unpadded) convolution on tfjs' NHWC layout: the map seen as
// rows of channels, y[p, :] = x[p, :] W with W the [Cin, Cout] filter. At the supernet's channel
// counts a row is a few dozen multiply-adds, and ATen's convolution spends its time reordering
// layouts and dispatching instead. As in direct.cc, every output element is summed in a fixed
// order by one thread, and the filter gradient's sum over rows is cut into fixed blocks added
// in order, so that results do not depend on the number of threads.
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "direct.h"

namespace snas {

namespace {
constexpr int64_t kRowsPerTask = 256;
constexpr int64_t kRowsPerBlock = 1024;

// out[p, :] = in[p, :] M for rows [begin, end), M [k, COLS] row-major. COLS fixed at compile
// time keeps a row's sums in registers; the sum over i runs in the same order either way.
template <int COLS>
void rowsTimesFixed(const float* __restrict in, const float* __restrict m, float* __restrict out, int64_t begin, int64_t end, int64_t k) {
  // Four rows at a time: four independent chains of multiply-adds keep the FMA units busy
  // where one row's chain would wait on each previous sum.
  constexpr int R = 4;
  int64_t p = begin;
  for (; p + R <= end; p += R) {
    float acc[R][COLS] = {};
    for (int64_t i = 0; i < k; ++i) {
      const float* row = m + i * COLS;
      for (int r = 0; r < R; ++r) {
        const float v = in[(p + r) * k + i];
#pragma omp simd
        for (int j = 0; j < COLS; ++j) acc[r][j] += v * row[j];
      }
    }
    std::memcpy(out + p * COLS, acc, sizeof(acc));
  }
  for (; p < end; ++p) {
    float acc[COLS] = {};
    for (int64_t i = 0; i < k; ++i) {
      const float v = in[p * k + i];
      const float* row = m + i * COLS;
#pragma omp simd
      for (int j = 0; j < COLS; ++j) acc[j] += v * row[j];
    }
    std::memcpy(out + p * COLS, acc, sizeof(acc));
  }
}

void rowsTimesAny(const float* __restrict in, const float* __restrict m, float* __restrict out, int64_t begin, int64_t end, int64_t k, int64_t cols) {
  for (int64_t p = begin; p < end; ++p) {
    const float* a = in + p * k;
    float* o = out + p * cols;
    std::fill(o, o + cols, 0.0f);
    for (int64_t i = 0; i < k; ++i) {
      const float v = a[i];
      const float* row = m + i * cols;
      for (int64_t j = 0; j < cols; ++j) o[j] += v * row[j];
    }
  }
}

// out = in M over `rows` rows (in [rows, k], M [k, cols], out [rows, cols]).
void rowsTimes(const float* in, const float* m, float* out, int64_t rows, int64_t k, int64_t cols) {
  at::parallel_for(0, rows, kRowsPerTask, [&](int64_t begin, int64_t end) {
    switch (cols) {
      case 4: return rowsTimesFixed<4>(in, m, out, begin, end, k);
      case 8: return rowsTimesFixed<8>(in, m, out, begin, end, k);
      case 16: return rowsTimesFixed<16>(in, m, out, begin, end, k);
      case 32: return rowsTimesFixed<32>(in, m, out, begin, end, k);
      default: return rowsTimesAny(in, m, out, begin, end, k, cols);
    }
  });
}

// acc[i, o] += x[p, i] dy[p, o] over rows [begin, end).
template <int COUT>
void outerSumsFixed(const float* __restrict x, const float* __restrict dy, float* __restrict acc, int64_t begin, int64_t end, int64_t cin) {
  for (int64_t p = begin; p < end; ++p) {
    const float* a = x + p * cin;
    float g[COUT];
    std::memcpy(g, dy + p * COUT, sizeof(g));
    for (int64_t i = 0; i < cin; ++i) {
      const float v = a[i];
      float* row = acc + i * COUT;
#pragma omp simd
      for (int o = 0; o < COUT; ++o) row[o] += v * g[o];
    }
  }
}

void outerSumsAny(const float* __restrict x, const float* __restrict dy, float* __restrict acc, int64_t begin, int64_t end, int64_t cin, int64_t cout) {
  for (int64_t p = begin; p < end; ++p) {
    const float* a = x + p * cin;
    const float* g = dy + p * cout;
    for (int64_t i = 0; i < cin; ++i) {
      const float v = a[i];
      float* row = acc + i * cout;
      for (int64_t o = 0; o < cout; ++o) row[o] += v * g[o];
    }
  }
}

typedef float Vec4 __attribute__((vector_size(16)));

// outerSumsFixed with the sums in registers: ROWS input channels at a time (COUT / 4 vectors
// each, ROWS * COUT / 4 <= 8 registers), each gradient row loaded once per group of channels.
// acc[i, o] = sum over the rows in order (acc starts at zero, as the caller's block does).
template <int ROWS, int COUT>
void outerSumsHeld(const float* __restrict x, const float* __restrict dy, float* __restrict acc, int64_t begin, int64_t end, int64_t cin) {
  constexpr int V = COUT / 4;
  for (int64_t i0 = 0; i0 < cin; i0 += ROWS) {
    Vec4 sums[ROWS][V] = {};
    for (int64_t p = begin; p < end; ++p) {
      Vec4 g[V];
      std::memcpy(g, dy + p * COUT, sizeof g);
      const float* a = x + p * cin + i0;
      for (int r = 0; r < ROWS; ++r) {
        const Vec4 v = {a[r], a[r], a[r], a[r]};
        for (int u = 0; u < V; ++u) sums[r][u] += v * g[u];
      }
    }
    std::memcpy(acc + i0 * COUT, sums, sizeof sums);
  }
}

void outerSums(const float* x, const float* dy, float* acc, int64_t begin, int64_t end, int64_t cin, int64_t cout) {
  switch (cout) {
    case 4: return cin % 4 == 0 ? outerSumsHeld<4, 4>(x, dy, acc, begin, end, cin) : outerSumsFixed<4>(x, dy, acc, begin, end, cin);
    case 8: return cin % 4 == 0 ? outerSumsHeld<4, 8>(x, dy, acc, begin, end, cin) : outerSumsFixed<8>(x, dy, acc, begin, end, cin);
    case 16: return cin % 2 == 0 ? outerSumsHeld<2, 16>(x, dy, acc, begin, end, cin) : outerSumsFixed<16>(x, dy, acc, begin, end, cin);
    case 32: return outerSumsHeld<1, 32>(x, dy, acc, begin, end, cin);
    default: return outerSumsAny(x, dy, acc, begin, end, cin, cout);
  }
}
}  // namespace

bool directPointwiseFits(const at::Tensor& x, const at::Tensor& w) {
  // x [N, H, W, Cin] float on the CPU; w [1, 1, Cin, Cout] with Cin * Cout small enough that
  // the loops beat a matrix multiply (see kPointwiseMaxWeights).
  return directEnabled() && x.device().is_cpu() && x.scalar_type() == at::kFloat && w.scalar_type() == at::kFloat &&
         x.dim() == 4 && w.dim() == 4 && w.size(0) == 1 && w.size(1) == 1 && w.size(2) == x.size(3) &&
         w.size(2) * w.size(3) <= kPointwiseMaxWeights;
}

at::Tensor pointwiseForward(const at::Tensor& xIn, const at::Tensor& wIn) {
  const at::Tensor x = xIn.contiguous(), w = wIn.contiguous();
  const int64_t cin = w.size(2), cout = w.size(3), rows = x.numel() / cin;
  at::Tensor y = at::empty({x.size(0), x.size(1), x.size(2), cout}, x.options());
  rowsTimes(x.data_ptr<float>(), w.data_ptr<float>(), y.data_ptr<float>(), rows, cin, cout);
  return y;
}

at::Tensor pointwiseBackwardInput(const at::Tensor& dyIn, const at::Tensor& wIn) {
  const at::Tensor dy = dyIn.contiguous(), w = wIn.contiguous();
  const int64_t cin = w.size(2), cout = w.size(3), rows = dy.numel() / cout;
  // dx = dy W^T: the transposed filter, so that the inner loop runs over contiguous memory.
  std::vector<float> wt(cin * cout);
  const float* wp = w.data_ptr<float>();
  for (int64_t i = 0; i < cin; ++i)
    for (int64_t o = 0; o < cout; ++o) wt[o * cin + i] = wp[i * cout + o];
  at::Tensor dx = at::empty({dy.size(0), dy.size(1), dy.size(2), cin}, dy.options());
  rowsTimes(dy.data_ptr<float>(), wt.data(), dx.data_ptr<float>(), rows, cout, cin);
  return dx;
}

at::Tensor pointwiseBackwardFilter(const at::Tensor& dyIn, const at::Tensor& xIn) {
  const at::Tensor dy = dyIn.contiguous(), x = xIn.contiguous();
  const int64_t cin = x.size(3), cout = dy.size(3), rows = x.numel() / cin, size = cin * cout;
  const int64_t blocks = (rows + kRowsPerBlock - 1) / kRowsPerBlock;
  const float* xp = x.data_ptr<float>();
  const float* dyp = dy.data_ptr<float>();
  std::vector<float> partial(std::max<int64_t>(blocks, 1) * size, 0.0f);
  at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      outerSums(xp, dyp, partial.data() + b * size, b * kRowsPerBlock, std::min(rows, (b + 1) * kRowsPerBlock), cin, cout);
    }
  });
  std::vector<double> total(size, 0.0);
  for (int64_t b = 0; b < blocks; ++b)
    for (int64_t t = 0; t < size; ++t) total[t] += partial[b * size + t];
  at::Tensor dw = at::empty({1, 1, cin, cout}, x.options());
  float* dwp = dw.data_ptr<float>();
  for (int64_t t = 0; t < size; ++t) dwp[t] = static_cast<float>(total[t]);
  return dw;
}

}  // namespace snas
