// Direct stride-1 pooling on tfjs' NHWC layout (the pools of the search cell's normal edges):
// k x k max and average pooling with symmetric padding that is never read (max) or not counted
// (average). As in the depthwise kernels (direct.cc), a tap of a stride-1 window reads a
// contiguous run of a padded row, so that a chunk of a row is a few vectors held in registers
// over every tap, at any channel count. Max pooling records the tap of each maximum (int32,
// ATen's rule: the first maximum in row-major tap order, or the last NaN), and the backward
// passes gather per input element in a fixed order, so results do not depend on the number of
// threads. Strided pools stay on ATen.
#include <ATen/Parallel.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "direct.h"
#include "rows.h"

namespace snas {

namespace {

// The pools read a padded copy of their input (rows.h: -inf for max, which is never taken, 0
// for the average, which adds nothing; the backward passes a padded gradient) and keep a chunk
// of a row in registers while they visit the window's taps in row-major order, as a loop over
// the taps inside the map would: the same maxima, the same taps, the same sums.
constexpr int64_t kPoolVecs = 4, kPoolChunk = kPoolVecs * kLanes;

inline Vec splat(float v) { return Vec{} + v; }

struct Shape {
  int64_t n, h, w, c, ho, wo;
};

Shape shapeOf(const at::Tensor& x, int64_t k, int64_t pad) {
  const int64_t h = x.size(1), w = x.size(2);
  return Shape{x.size(0), h, w, x.size(3), h + 2 * pad - k + 1, w + 2 * pad - k + 1};
}

// Taps of a k-window at output position o (stride 1) that read inside [0, size): [first, last).
inline std::pair<int64_t, int64_t> tapsInside(int64_t o, int64_t pad, int64_t k, int64_t size) {
  return {std::max<int64_t>(0, pad - o), std::min<int64_t>(k, size + pad - o)};
}

// The shape of a backward pass: dy [n, ho, wo, c] for an input of h x w.
Shape gradShape(const at::Tensor& dy, int64_t h, int64_t w) {
  return Shape{dy.size(0), h, w, dy.size(3), dy.size(1), dy.size(2)};
}

// The input of a forward pass padded by `pad` on every side (fill: what the padding reads).
Padded paddedInput(const float* x, const Shape& s, int64_t k, int64_t pad, float fill) {
  return padded(x, s.n, s.h, s.w, s.c, pad, pad, s.ho + k - 1, s.wo + k - 1, false, fill);
}

// A gradient (or what lines up with it, e.g. max pooling's taps) padded for gatherRows: by
// k - 1 - pad rows and columns before, to the input's size plus k - 1.
Padded paddedGrad(const float* g, const Shape& s, int64_t k, int64_t pad, float fill = 0.0f) {
  const int64_t before = k - 1 - pad;
  return padded(g, s.n, s.ho, s.wo, s.c, before, before, s.h + k - 1, s.w + k - 1, false, fill);
}

// dx [n, h, w, c] gathered per input row, a chunk of the row in registers. `grad` is the
// gradient padded by k - 1 - pad rows and columns before (the padding passes back zero). For
// each tap (ky, kx) in row-major order and each vector of the chunk, term(sum, src, tap) adds
// into sum what passes back through that tap: src points into `grad` at the output pixels that
// reach the vector's inputs through it. The taps are summed in the order of a loop over the taps
// whose output lies inside the map, adding exact zeros where that loop adds nothing.
template <typename F>
at::Tensor gatherRows(const at::Tensor& like, const Shape& s, int64_t k, int64_t pad, const Padded& grad, const F& term) {
  at::Tensor dx = at::empty({s.n, s.h, s.w, s.c}, like.options());
  float* dxp = dx.data_ptr<float>();
  const int64_t row = s.w * s.c;
  at::parallel_for(0, s.n * s.h, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t b = r / s.h, iy = r % s.h;
      for (int64_t j0 = 0; j0 < row; j0 += kPoolChunk) {
        Vec sum[kPoolVecs] = {};
        for (int64_t ky = 0; ky < k; ++ky) {
          const float* src = grad.row(b, iy + k - 1 - ky) + j0;
          for (int64_t kx = 0; kx < k; ++kx) {
            const float* at = src + (k - 1 - kx) * s.c;
            const int32_t tap = int32_t(ky * k + kx);
            for (int64_t v = 0; v < kPoolVecs; ++v) term(sum[v], at + v * kLanes, tap);
          }
        }
        std::memcpy(dxp + r * row + j0, sum, std::min(kPoolChunk, row - j0) * sizeof(float));
      }
    }
  });
  return dx;
}

}  // namespace

bool directPoolFits(const at::Tensor& x, int64_t k, int64_t stride, int64_t pad) {
  return directRowsFit(x) && x.dim() == 4 && stride == 1 && pad >= 0 && 2 * pad < k && k <= 15 && x.size(1) + 2 * pad >= k &&
         x.size(2) + 2 * pad >= k;
}

std::pair<at::Tensor, at::Tensor> maxPoolForward(const at::Tensor& xIn, int64_t k, int64_t pad) {
  const at::Tensor x = xIn.contiguous();
  const Shape s = shapeOf(x, k, pad);
  const int64_t row = s.wo * s.c;
  at::Tensor y = at::empty({s.n, s.ho, s.wo, s.c}, x.options());
  at::Tensor taps = at::empty({s.n, s.ho, s.wo, s.c}, x.options().dtype(at::kInt));
  const float inf = std::numeric_limits<float>::infinity();
  const Padded in = paddedInput(x.data_ptr<float>(), s, k, pad, -inf);
  float* yp = y.data_ptr<float>();
  int32_t* tp = taps.data_ptr<int32_t>();
  at::parallel_for(0, s.n * s.ho, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t b = r / s.ho, oy = r % s.ho;
      const int64_t ky0 = tapsInside(oy, pad, k, s.h).first;
      for (int64_t j0 = 0; j0 < row; j0 += kPoolChunk) {
        Vec best[kPoolVecs], at[kPoolVecs];
        for (int64_t v = 0; v < kPoolVecs; ++v) best[v] = splat(-inf), at[v] = splat(-1.0f);
        for (int64_t ky = 0; ky < k; ++ky) {
          const float* src = in.row(b, oy + ky) + j0;
          for (int64_t kx = 0; kx < k; ++kx) {
            const Vec ft = splat(float(ky * k + kx));
            for (int64_t v = 0; v < kPoolVecs; ++v) {
              const Vec val = load(src + kx * s.c + v * kLanes);
              const auto take = (val > best[v]) | (val != val);
              best[v] = take ? val : best[v];
              at[v] = take ? ft : at[v];
            }
          }
        }
        const int64_t count = std::min(kPoolChunk, row - j0);
        std::memcpy(yp + r * row + j0, best, count * sizeof(float));
        VecI taken[kPoolVecs];
        for (int64_t v = 0; v < kPoolVecs; ++v) taken[v] = __builtin_convertvector(at[v], VecI);
        int32_t* out = tp + r * row + j0;
        std::memcpy(out, taken, count * sizeof(int32_t));
        // A window whose inputs are all -inf (no tap taken, -1) keeps ATen's choice: its first tap inside the map.
        for (int64_t j = 0; j < count; ++j)
          if (out[j] < 0) out[j] = int32_t(ky0 * k + tapsInside((j0 + j) / s.c, pad, k, s.w).first);
      }
    }
  });
  return {y, taps};
}

at::Tensor maxPoolBackward(const at::Tensor& dyIn, const at::Tensor& tapsIn, int64_t k, int64_t pad, int64_t h, int64_t w) {
  const at::Tensor dy = dyIn.contiguous(), taps = tapsIn.contiguous();
  const Shape s = gradShape(dy, h, w);
  const Padded grad = paddedGrad(dy.data_ptr<float>(), s, k, pad);
  // The taps padded with -1 (no tap), copied as float bits.
  float none;
  const int32_t minusOne = -1;
  std::memcpy(&none, &minusOne, sizeof none);
  const Padded tapsPadded = paddedGrad(reinterpret_cast<const float*>(taps.data_ptr<int32_t>()), s, k, pad, none);
  const float* g0 = grad.data.get();
  const float* t0 = tapsPadded.data.get();
  return gatherRows(dy, s, k, pad, grad, [&](Vec& sum, const float* g, int32_t tap) {
    VecI t;
    std::memcpy(&t, t0 + (g - g0), sizeof t);
    sum += t == tap ? load(g) : Vec{};
  });
}

namespace {
// The taps inside the map for each (output column, channel) of a row: the column factor of
// the average's divisor (the row factor is applied per row).
std::vector<float> columnCounts(int64_t wo, int64_t c, int64_t k, int64_t pad, int64_t w) {
  std::vector<float> counts(wo * c);
  for (int64_t ox = 0; ox < wo; ++ox) {
    const auto [first, last] = tapsInside(ox, pad, k, w);
    std::fill(counts.begin() + ox * c, counts.begin() + (ox + 1) * c, float(last - first));
  }
  return counts;
}
}  // namespace

at::Tensor avgPoolForward(const at::Tensor& xIn, int64_t k, int64_t pad) {
  const at::Tensor x = xIn.contiguous();
  const Shape s = shapeOf(x, k, pad);
  const int64_t row = s.wo * s.c;
  const std::vector<float> cols = columnCounts(s.wo, s.c, k, pad, s.w);
  at::Tensor y = at::empty({s.n, s.ho, s.wo, s.c}, x.options());
  const Padded in = paddedInput(x.data_ptr<float>(), s, k, pad, 0.0f);
  float* yp = y.data_ptr<float>();
  at::parallel_for(0, s.n * s.ho, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t b = r / s.ho, oy = r % s.ho;
      float* out = yp + r * row;
      for (int64_t j0 = 0; j0 < row; j0 += kPoolChunk) {
        Vec sum[kPoolVecs] = {};
        for (int64_t ky = 0; ky < k; ++ky) {
          const float* src = in.row(b, oy + ky) + j0;
          for (int64_t kx = 0; kx < k; ++kx)
            for (int64_t v = 0; v < kPoolVecs; ++v) sum[v] += load(src + kx * s.c + v * kLanes);
        }
        std::memcpy(out + j0, sum, std::min(kPoolChunk, row - j0) * sizeof(float));
      }
      const auto [ky0, ky1] = tapsInside(oy, pad, k, s.h);
      const float rows = float(ky1 - ky0);
      for (int64_t j = 0; j < row; ++j) out[j] /= rows * cols[j];
    }
  });
  return y;
}

at::Tensor avgPoolBackward(const at::Tensor& dyIn, int64_t k, int64_t pad, int64_t h, int64_t w) {
  const at::Tensor dy = dyIn.contiguous();
  const Shape s = gradShape(dy, h, w);
  const int64_t row = s.wo * s.c;
  const std::vector<float> cols = columnCounts(s.wo, s.c, k, pad, s.w);
  // Each output's gradient divided by its window's count once, then gathered per input element.
  at::Tensor g = at::empty(dy.sizes(), dy.options());
  const float* dyp = dy.data_ptr<float>();
  float* gp = g.data_ptr<float>();
  at::parallel_for(0, s.n * s.ho, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const auto [ky0, ky1] = tapsInside(r % s.ho, pad, k, s.h);
      const float rows = float(ky1 - ky0);
      for (int64_t j = 0; j < row; ++j) gp[r * row + j] = dyp[r * row + j] / (rows * cols[j]);
    }
  });
  const Padded grad = paddedGrad(gp, s, k, pad);
  return gatherRows(dy, s, k, pad, grad, [&](Vec& sum, const float* src, int32_t) { sum += load(src); });
}

}  // namespace snas
