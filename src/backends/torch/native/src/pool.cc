// Direct stride-1 pooling on tfjs' NHWC layout (the pools of the search cell's normal edges):
// k x k max and average pooling with symmetric padding that is never read (max) or not counted
// (average). As in the depthwise kernels (direct.cc), a tap of a stride-1 window reads a
// contiguous run of a row, so each tap is one flat loop over (pixel, channel) that the
// compiler vectorises at any channel count. Max pooling records the tap of each maximum (int32,
// ATen's rule: the first maximum in row-major tap order, or the last NaN), and the backward
// passes gather per input element in a fixed order, so results do not depend on the number of
// threads. Strided pools stay on ATen.
#include <ATen/Parallel.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "direct.h"

namespace snas {

namespace {

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

// For output row r (image r / ho, row r % ho) of a stride-1 window, each tap inside the map in
// row-major order: visit(src, from, to, tap) where src[j] for j in [from, to) is the input that
// tap reads for flat output element j of the row.
template <typename F>
void forEachTap(const float* xp, const Shape& s, int64_t k, int64_t pad, int64_t r, const F& visit) {
  const int64_t b = r / s.ho, oy = r % s.ho;
  const auto [ky0, ky1] = tapsInside(oy, pad, k, s.h);
  for (int64_t ky = ky0; ky < ky1; ++ky) {
    const float* in = xp + (b * s.h + oy - pad + ky) * s.w * s.c;
    for (int64_t kx = 0; kx < k; ++kx) {
      const int64_t shift = kx - pad;
      const auto [first, last] = validRun(shift, s.wo, s.w);
      visit(in + shift * s.c, first * s.c, last * s.c, int32_t(ky * k + kx));
    }
  }
}

// dx [n, h, w, c] gathered per input row, in a fixed order: for each tap (ky, kx) whose window
// at output row oy covers the row, add(out, from, to, at, tap) adds into out[from, to) what the
// output pixels of that row (flat offset `at` of their row, already shifted to line up with
// out) pass back through that tap.
template <typename F>
at::Tensor gatherRows(const at::Tensor& like, const Shape& s, int64_t k, int64_t pad, const F& add) {
  at::Tensor dx = at::zeros({s.n, s.h, s.w, s.c}, like.options());
  float* dxp = dx.data_ptr<float>();
  at::parallel_for(0, s.n * s.h, 1, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t b = r / s.h, iy = r % s.h;
      for (int64_t ky = 0; ky < k; ++ky) {
        const int64_t oy = iy + pad - ky;
        if (oy < 0 || oy >= s.ho) continue;
        for (int64_t kx = 0; kx < k; ++kx) {
          const int64_t shift = pad - kx;  // ox = ix + shift
          const auto [first, last] = validRun(shift, s.w, s.wo);
          add(dxp + r * s.w * s.c, first * s.c, last * s.c, (b * s.ho + oy) * s.wo * s.c + shift * s.c, int32_t(ky * k + kx));
        }
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
  const float* xp = x.data_ptr<float>();
  float* yp = y.data_ptr<float>();
  int32_t* tp = taps.data_ptr<int32_t>();
  at::parallel_for(0, s.n * s.ho, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> tapRow(row);
    for (int64_t r = begin; r < end; ++r) {
      float* best = yp + r * row;
      std::fill(best, best + row, -std::numeric_limits<float>::infinity());
      std::fill(tapRow.begin(), tapRow.end(), -1.0f);
      float* t = tapRow.data();
      forEachTap(xp, s, k, pad, r, [&](const float* __restrict src, int64_t from, int64_t to, int32_t tap) {
        float* __restrict m = best;
        float* __restrict at = t;
        const float ft = float(tap);
        for (int64_t j = from; j < to; ++j) {
          const float v = src[j];
          const bool take = (v > m[j]) | (v != v);  // no short circuit: one vector compare each
          m[j] = take ? v : m[j];
          at[j] = take ? ft : at[j];
        }
      });
      // A window whose inputs are all -inf (no tap taken) keeps ATen's choice: its first tap inside the map.
      int32_t* out = tp + r * row;
      const int64_t ky0 = tapsInside(r % s.ho, pad, k, s.h).first;
      for (int64_t j = 0; j < row; ++j) {
        out[j] = t[j] >= 0.0f ? int32_t(t[j]) : int32_t(ky0 * k + tapsInside(j / s.c, pad, k, s.w).first);
      }
    }
  });
  return {y, taps};
}

at::Tensor maxPoolBackward(const at::Tensor& dyIn, const at::Tensor& tapsIn, int64_t k, int64_t pad, int64_t h, int64_t w) {
  const at::Tensor dy = dyIn.contiguous(), taps = tapsIn.contiguous();
  const float* dyp = dy.data_ptr<float>();
  const int32_t* tp = taps.data_ptr<int32_t>();
  return gatherRows(dy, gradShape(dy, h, w), k, pad, [&](float* out, int64_t from, int64_t to, int64_t at, int32_t tap) {
    const float* g = dyp + at;
    const int32_t* t = tp + at;
    for (int64_t j = from; j < to; ++j) out[j] += t[j] == tap ? g[j] : 0.0f;
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
  at::Tensor y = at::zeros({s.n, s.ho, s.wo, s.c}, x.options());
  const float* xp = x.data_ptr<float>();
  float* yp = y.data_ptr<float>();
  at::parallel_for(0, s.n * s.ho, 1, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      float* out = yp + r * row;
      forEachTap(xp, s, k, pad, r, [&](const float* src, int64_t from, int64_t to, int32_t) {
        for (int64_t j = from; j < to; ++j) out[j] += src[j];
      });
      const auto [ky0, ky1] = tapsInside(r % s.ho, pad, k, s.h);
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
  at::parallel_for(0, s.n * s.ho, 1, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const auto [ky0, ky1] = tapsInside(r % s.ho, pad, k, s.h);
      const float rows = float(ky1 - ky0);
      for (int64_t j = 0; j < row; ++j) gp[r * row + j] = dyp[r * row + j] / (rows * cols[j]);
    }
  });
  return gatherRows(dy, s, k, pad, [&](float* out, int64_t from, int64_t to, int64_t at, int32_t) {
    const float* src = gp + at;
    for (int64_t j = from; j < to; ++j) out[j] += src[j];
  });
}

}  // namespace snas
