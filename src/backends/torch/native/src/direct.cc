// Direct kernels: plain loops over tfjs' own NHWC layout, for the shapes where ATen's general
// implementations spend their time in layout conversions and dispatch rather than arithmetic
// (depthwise convolution with a few channels: the supernet's separable and dilated ops).
// Each output element is computed by one thread in a fixed order, so the results do not depend
// on the number of threads. Used by nn.cc when enabled (see directEnabled).
#include "direct.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

namespace snas {

namespace {
bool enabled = [] {
  const char* v = std::getenv("SNAS_TORCH_DIRECT");
  return !(v && std::string(v) == "0");
}();
}  // namespace

// The filter's taps each repeated along a row of `pixels` pixels: rows[tap][p * c + ch] = w[tap][ch],
// so that a stride-1 row of a map multiplies one contiguous run against one contiguous run.
std::vector<float> tapRows(const float* w, int64_t taps, int64_t c, int64_t pixels) {
  std::vector<float> rows(taps * pixels * c);
  for (int64_t t = 0; t < taps; ++t)
    for (int64_t p = 0; p < pixels; ++p) std::memcpy(&rows[(t * pixels + p) * c], w + t * c, c * sizeof(float));
  return rows;
}

namespace {
// The input as the kernel reads it: ReLU applied on the fly when `relu` (a loop invariant the
// compiler hoists), so that a ReLU before a depthwise convolution needs no tensor of its own.
inline float input(float v, bool relu) { return relu ? std::max(v, 0.0f) : v; }

// ReLU's gradient applied to a finished row of dx in place: zero where the input was not positive.
inline void reluMask(float* dx, const float* x, int64_t count) {
  for (int64_t j = 0; j < count; ++j) dx[j] = x[j] > 0.0f ? dx[j] : 0.0f;
}
}  // namespace

bool directEnabled() { return enabled; }
void setDirectEnabled(bool on) { enabled = on; }

bool directDepthwiseFits(const at::Tensor& x, const at::Tensor& w) {
  // x [N, H, W, C] float on the CPU; w [k, k, C, 1] (channel multiplier 1).
  return enabled && x.device().is_cpu() && x.scalar_type() == at::kFloat && w.scalar_type() == at::kFloat && x.dim() == 4 &&
         w.dim() == 4 && w.size(3) == 1 && w.size(2) == x.size(3);
}

at::Tensor depthwiseForward(const at::Tensor& xIn, const at::Tensor& wIn, const Geometry& g, int64_t ho, int64_t wo, bool reluInput) {
  const at::Tensor x = xIn.contiguous(), w = wIn.contiguous();
  const int64_t n = x.size(0), h = x.size(1), wd = x.size(2), c = x.size(3), kh = w.size(0), kw = w.size(1);
  at::Tensor y = at::zeros({n, ho, wo, c}, x.options());
  const float* xp = x.data_ptr<float>();
  const float* wp = w.data_ptr<float>();
  float* yp = y.data_ptr<float>();
  if (g.strideW == 1) {
    const std::vector<float> rows = tapRows(wp, kh * kw, c, wo);
    at::parallel_for(0, n * ho, 1, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const int64_t b = r / ho, oy = r % ho;
        float* out = yp + r * wo * c;
        for (int64_t ky = 0; ky < kh; ++ky) {
          const int64_t iy = oy * g.strideH - g.top + ky * g.dilationH;
          if (iy < 0 || iy >= h) continue;
          const float* in = xp + (b * h + iy) * wd * c;
          for (int64_t kx = 0; kx < kw; ++kx) {
            const int64_t shift = kx * g.dilationW - g.left;
            const auto [first, last] = validRun(shift, wo, wd);
            const float* f = rows.data() + (ky * kw + kx) * wo * c;
            const float* src = in + shift * c;
            for (int64_t j = first * c; j < last * c; ++j) out[j] += input(src[j], reluInput) * f[j];
          }
        }
      }
    });
    return y;
  }
  at::parallel_for(0, n * ho, 1, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t b = r / ho, oy = r % ho;
      for (int64_t ox = 0; ox < wo; ++ox) {
        float* out = yp + (r * wo + ox) * c;
        for (int64_t ky = 0; ky < kh; ++ky) {
          const int64_t iy = oy * g.strideH - g.top + ky * g.dilationH;
          if (iy < 0 || iy >= h) continue;
          for (int64_t kx = 0; kx < kw; ++kx) {
            const int64_t ix = ox * g.strideW - g.left + kx * g.dilationW;
            if (ix < 0 || ix >= wd) continue;
            const float* in = xp + ((b * h + iy) * wd + ix) * c;
            const float* f = wp + (ky * kw + kx) * c;
            for (int64_t ch = 0; ch < c; ++ch) out[ch] += input(in[ch], reluInput) * f[ch];
          }
        }
      }
    }
  });
  return y;
}

at::Tensor depthwiseBackwardInput(const at::Tensor& dyIn, at::IntArrayRef xShape, const at::Tensor& wIn, const Geometry& g,
                                  const at::Tensor& reluOf) {
  const at::Tensor dy = dyIn.contiguous(), w = wIn.contiguous();
  const at::Tensor xr = reluOf.defined() ? reluOf.contiguous() : at::Tensor();
  const float* xrp = xr.defined() ? xr.data_ptr<float>() : nullptr;
  const int64_t n = xShape[0], h = xShape[1], wd = xShape[2], c = xShape[3];
  const int64_t ho = dy.size(1), wo = dy.size(2), kh = w.size(0), kw = w.size(1);
  at::Tensor dx = at::zeros({n, h, wd, c}, dy.options());
  const float* dyp = dy.data_ptr<float>();
  const float* wp = w.data_ptr<float>();
  float* dxp = dx.data_ptr<float>();
  if (g.strideW == 1) {
    const std::vector<float> rows = tapRows(wp, kh * kw, c, wd);
    at::parallel_for(0, n * h, 1, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const int64_t b = r / h, iy = r % h;
        float* out = dxp + r * wd * c;
        for (int64_t ky = 0; ky < kh; ++ky) {
          const int64_t ty = iy + g.top - ky * g.dilationH;
          if (ty < 0 || ty % g.strideH != 0 || ty / g.strideH >= ho) continue;
          const float* grad = dyp + (b * ho + ty / g.strideH) * wo * c;
          for (int64_t kx = 0; kx < kw; ++kx) {
            const int64_t shift = g.left - kx * g.dilationW;  // ox = ix + shift
            const auto [first, last] = validRun(shift, wd, wo);
            const float* f = rows.data() + (ky * kw + kx) * wd * c;
            const float* src = grad + shift * c;
            for (int64_t j = first * c; j < last * c; ++j) out[j] += src[j] * f[j];
          }
        }
        if (xrp) reluMask(out, xrp + r * wd * c, wd * c);
      }
    });
    return dx;
  }
  // Gathered per input pixel (no two threads write one element): input row iy takes the
  // output rows oy with oy * stride - top + ky * dilation == iy.
  at::parallel_for(0, n * h, 1, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t b = r / h, iy = r % h;
      for (int64_t ix = 0; ix < wd; ++ix) {
        float* out = dxp + (r * wd + ix) * c;
        for (int64_t ky = 0; ky < kh; ++ky) {
          const int64_t ty = iy + g.top - ky * g.dilationH;
          if (ty < 0 || ty % g.strideH != 0) continue;
          const int64_t oy = ty / g.strideH;
          if (oy >= ho) continue;
          for (int64_t kx = 0; kx < kw; ++kx) {
            const int64_t tx = ix + g.left - kx * g.dilationW;
            if (tx < 0 || tx % g.strideW != 0) continue;
            const int64_t ox = tx / g.strideW;
            if (ox >= wo) continue;
            const float* grad = dyp + ((b * ho + oy) * wo + ox) * c;
            const float* f = wp + (ky * kw + kx) * c;
            for (int64_t ch = 0; ch < c; ++ch) out[ch] += grad[ch] * f[ch];
          }
        }
      }
      if (xrp) reluMask(dxp + r * wd * c, xrp + r * wd * c, wd * c);
    }
  });
  return dx;
}

at::Tensor depthwiseBackwardFilter(const at::Tensor& dyIn, const at::Tensor& xIn, at::IntArrayRef wShape, const Geometry& g,
                                   bool reluInput) {
  const at::Tensor dy = dyIn.contiguous(), x = xIn.contiguous();
  const int64_t n = x.size(0), h = x.size(1), wd = x.size(2), c = x.size(3);
  const int64_t ho = dy.size(1), wo = dy.size(2), kh = wShape[0], kw = wShape[1];
  at::Tensor dw = at::zeros({kh, kw, c, 1}, x.options());
  const float* dyp = dy.data_ptr<float>();
  const float* xp = x.data_ptr<float>();
  float* dwp = dw.data_ptr<float>();
  if (g.strideW == 1) {
    // Per tap, a row of wo * c float sums over every (image, output row), then one double sum per channel.
    at::parallel_for(0, kh * kw, 1, [&](int64_t begin, int64_t end) {
      std::vector<float> acc(wo * c);
      for (int64_t tap = begin; tap < end; ++tap) {
        const int64_t ky = tap / kw, kx = tap % kw;
        const int64_t shift = kx * g.dilationW - g.left;
        const auto [first, last] = validRun(shift, wo, wd);
        std::fill(acc.begin(), acc.end(), 0.0f);
        for (int64_t b = 0; b < n; ++b) {
          for (int64_t oy = 0; oy < ho; ++oy) {
            const int64_t iy = oy * g.strideH - g.top + ky * g.dilationH;
            if (iy < 0 || iy >= h) continue;
            const float* src = xp + (b * h + iy) * wd * c + shift * c;
            const float* grad = dyp + (b * ho + oy) * wo * c;
            for (int64_t j = first * c; j < last * c; ++j) acc[j] += input(src[j], reluInput) * grad[j];
          }
        }
        for (int64_t ch = 0; ch < c; ++ch) {
          double total = 0;
          for (int64_t p = 0; p < wo; ++p) total += acc[p * c + ch];
          dwp[tap * c + ch] = static_cast<float>(total);
        }
      }
    });
    return dw;
  }
  // One tap per task: a tap's sum runs over every image and output row in order, each row
  // summed in float and added to a double total.
  at::parallel_for(0, kh * kw, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> row(c);
    std::vector<double> total(c);
    for (int64_t tap = begin; tap < end; ++tap) {
      const int64_t ky = tap / kw, kx = tap % kw;
      std::fill(total.begin(), total.end(), 0.0);
      for (int64_t b = 0; b < n; ++b) {
        for (int64_t oy = 0; oy < ho; ++oy) {
          const int64_t iy = oy * g.strideH - g.top + ky * g.dilationH;
          if (iy < 0 || iy >= h) continue;
          std::fill(row.begin(), row.end(), 0.0f);
          for (int64_t ox = 0; ox < wo; ++ox) {
            const int64_t ix = ox * g.strideW - g.left + kx * g.dilationW;
            if (ix < 0 || ix >= wd) continue;
            const float* in = xp + ((b * h + iy) * wd + ix) * c;
            const float* grad = dyp + ((b * ho + oy) * wo + ox) * c;
            for (int64_t ch = 0; ch < c; ++ch) row[ch] += input(in[ch], reluInput) * grad[ch];
          }
          for (int64_t ch = 0; ch < c; ++ch) total[ch] += row[ch];
        }
      }
      for (int64_t ch = 0; ch < c; ++ch) dwp[tap * c + ch] = static_cast<float>(total[ch]);
    }
  });
  return dw;
}

namespace {

// Batch norm over the rows of an NHWC map, on the flat data: a period of W = lcm(C, 64)
// floats holds whole pixels, so a flat loop adds element t of each period into acc[t] (a loop
// the compiler vectorises at any C), and acc folds into channels at the end. The data is cut
// into fixed blocks of periods (whatever the number of threads), each summed in float and the
// blocks added in order in double: the result does not depend on the thread count.
int64_t period(int64_t c) { return std::lcm<int64_t>(c, 64) <= 4096 ? std::lcm<int64_t>(c, 64) : c; }

// Per channel, the sum over every element of f(t, i) (t: position in the period, i: flat index).
template <typename F>
std::vector<double> channelSums(int64_t size, int64_t c, const F& f) {
  const int64_t w = period(c), periods = size / w, perBlock = std::max<int64_t>(1, 16384 / w);
  const int64_t blocks = (periods + perBlock - 1) / perBlock;
  std::vector<float> partial((blocks + 1) * w, 0.0f);
  at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      float* acc = partial.data() + b * w;
      for (int64_t p = b * perBlock; p < std::min(periods, (b + 1) * perBlock); ++p) {
        const int64_t base = p * w;
        for (int64_t t = 0; t < w; ++t) acc[t] += f(t, base + t);
      }
    }
  });
  float* tail = partial.data() + blocks * w;  // the last, partial period
  for (int64_t i = periods * w; i < size; ++i) tail[i - periods * w] += f(i - periods * w, i);
  std::vector<double> total(c, 0.0);
  for (int64_t b = 0; b <= blocks; ++b)
    for (int64_t t = 0; t < w; ++t) total[t % c] += partial[b * w + t];
  return total;
}

// v[t % c] repeated over one period.
std::vector<float> repeated(const std::vector<float>& v, int64_t c) {
  std::vector<float> r(period(c));
  for (size_t t = 0; t < r.size(); ++t) r[t] = v[t % c];
  return r;
}

at::Tensor vectorOf(const std::vector<float>& v, const at::TensorOptions& o) {
  at::Tensor t = at::empty({int64_t(v.size())}, o);
  std::memcpy(t.data_ptr<float>(), v.data(), v.size() * sizeof(float));
  return t;
}

// out[i] = f(t, i) over the flat data, period by period.
template <typename F>
void elementwise(int64_t size, int64_t c, float* out, const F& f) {
  const int64_t w = period(c), periods = (size + w - 1) / w;
  at::parallel_for(0, periods, std::max<int64_t>(1, 16384 / w), [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const int64_t base = p * w, n = std::min(w, size - base);
      for (int64_t t = 0; t < n; ++t) out[base + t] = f(t, base + t);
    }
  });
}

}  // namespace

bool directRowsFit(const at::Tensor& x) { return enabled && x.device().is_cpu() && x.scalar_type() == at::kFloat; }

std::array<at::Tensor, 4> batchNormRows(const at::Tensor& xIn, double eps) {
  const at::Tensor x = xIn.contiguous();
  const int64_t c = x.size(-1), size = x.numel(), rows = size / c;
  const float* xp = x.data_ptr<float>();
  const auto sum = channelSums(size, c, [&](int64_t, int64_t i) { return xp[i]; });
  std::vector<float> mean(c), var(c), invstd(c);
  for (int64_t j = 0; j < c; ++j) mean[j] = static_cast<float>(sum[j] / double(rows));
  const std::vector<float> meanRep = repeated(mean, c);
  const auto sq = channelSums(size, c, [&](int64_t t, int64_t i) {
    const float d = xp[i] - meanRep[t];
    return d * d;
  });
  for (int64_t j = 0; j < c; ++j) {
    var[j] = static_cast<float>(sq[j] / double(rows));
    invstd[j] = static_cast<float>(1.0 / std::sqrt(sq[j] / double(rows) + eps));
  }
  const std::vector<float> invRep = repeated(invstd, c);
  at::Tensor y = at::empty(x.sizes(), x.options());
  elementwise(size, c, y.data_ptr<float>(), [&](int64_t t, int64_t i) { return (xp[i] - meanRep[t]) * invRep[t]; });
  return {y, vectorOf(invstd, x.options()), vectorOf(mean, x.options()), vectorOf(var, x.options())};
}

at::Tensor batchNormRowsInfer(const at::Tensor& xIn, const at::Tensor& meanIn, const at::Tensor& varIn, double eps) {
  const at::Tensor x = xIn.contiguous(), meanT = meanIn.contiguous(), varT = varIn.contiguous();
  const int64_t c = x.size(-1), size = x.numel();
  const float* xp = x.data_ptr<float>();
  const float* mp = meanT.data_ptr<float>();
  const float* vp = varT.data_ptr<float>();
  // As ATen's (x - mean) * rsqrt(var + eps) rounds: eps as a float, each operation in float.
  const float e = static_cast<float>(eps);
  std::vector<float> mean(mp, mp + c), invstd(c);
  for (int64_t j = 0; j < c; ++j) invstd[j] = 1.0f / std::sqrt(vp[j] + e);
  const std::vector<float> meanRep = repeated(mean, c), invRep = repeated(invstd, c);
  at::Tensor y = at::empty(x.sizes(), x.options());
  elementwise(size, c, y.data_ptr<float>(), [&](int64_t t, int64_t i) { return (xp[i] - meanRep[t]) * invRep[t]; });
  return y;
}

at::Tensor batchNormRowsBackward(const at::Tensor& dyIn, const at::Tensor& yIn, const at::Tensor& invstdIn) {
  const at::Tensor dy = dyIn.contiguous(), y = yIn.contiguous(), invstdT = invstdIn.contiguous();
  const int64_t c = y.size(-1), size = y.numel(), rows = size / c;
  const float* dyp = dy.data_ptr<float>();
  const float* yp = y.data_ptr<float>();
  const auto sumDy = channelSums(size, c, [&](int64_t, int64_t i) { return dyp[i]; });
  const auto sumDyY = channelSums(size, c, [&](int64_t, int64_t i) { return dyp[i] * yp[i]; });
  std::vector<float> meanDy(c), meanDyY(c), invstd(invstdT.data_ptr<float>(), invstdT.data_ptr<float>() + c);
  for (int64_t j = 0; j < c; ++j) {
    meanDy[j] = static_cast<float>(sumDy[j] / double(rows));
    meanDyY[j] = static_cast<float>(sumDyY[j] / double(rows));
  }
  const std::vector<float> a = repeated(meanDy, c), b = repeated(meanDyY, c), s = repeated(invstd, c);
  at::Tensor dx = at::empty(y.sizes(), y.options());
  elementwise(size, c, dx.data_ptr<float>(), [&](int64_t t, int64_t i) { return (dyp[i] - a[t] - yp[i] * b[t]) * s[t]; });
  return dx;
}

}  // namespace snas
