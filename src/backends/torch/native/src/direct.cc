// Direct kernels: plain loops over tfjs' own NHWC layout, for the shapes where ATen's general
// implementations spend their time in layout conversions and dispatch rather than arithmetic
// (depthwise convolution with a few channels: the supernet's separable and dilated ops).
// Each output element is computed by one thread in a fixed order, so the results do not depend
// on the number of threads. Used by nn.cc when enabled (see directEnabled).
#include "direct.h"
#include "rows.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
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

Padded padded(const float* x, int64_t n, int64_t h, int64_t w, int64_t c, int64_t top, int64_t left, int64_t hp, int64_t wp,
              bool relu, float fill) {
  const int64_t size = n * hp * wp * c;
  Padded p{std::unique_ptr<float[]>(new float[size + kChunk]), hp, wp, c};  // every element is written below
  float* data = p.data.get();
  std::fill(data + size, data + size + kChunk, fill);
  const int64_t first = std::clamp<int64_t>(left, 0, wp), last = std::clamp<int64_t>(w + left, first, wp);  // padded columns holding x
  at::parallel_for(0, n * hp, 64, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t b = r / hp, iy = r % hp - top;
      float* dst = data + r * wp * c;
      if (iy < 0 || iy >= h) {
        std::fill(dst, dst + wp * c, fill);
        continue;
      }
      std::fill(dst, dst + first * c, fill);
      std::fill(dst + last * c, dst + wp * c, fill);
      const float* src = x + ((b * h + iy) * w + first - left) * c;
      const int64_t count = (last - first) * c;
      if (relu) {
        for (int64_t j = 0; j < count; ++j) dst[first * c + j] = std::max(src[j], 0.0f);
      } else {
        std::memcpy(dst + first * c, src, count * sizeof(float));
      }
    }
  });
  return p;
}

namespace {
// The stride-1 depthwise kernels below read a zero-padded copy of their input (rows.h) and sum
// a row's taps in registers: chunks of kChunk floats held in kVecs vectors while every tap is
// added in order, then stored once. Each output element is still summed in the same order as
// a tap loop that skips the padding would sum it (adding an exact zero changes no value).

// The input of a window of geometry g (kh x kw taps, output ho x wo) padded so that every tap
// of every output pixel reads inside the copy: output row oy, tap ky reads padded row
// oy * strideH + ky * dilationH, and likewise for columns.
Padded windowInput(const float* x, int64_t n, int64_t h, int64_t w, int64_t c, const Geometry& g, int64_t ho, int64_t wo, int64_t kh,
                   int64_t kw, bool relu) {
  return padded(x, n, h, w, c, g.top, g.left, (ho - 1) * g.strideH + (kh - 1) * g.dilationH + 1,
                (wo - 1) * g.strideW + (kw - 1) * g.dilationW + 1, relu);
}

// The filter's taps each repeated along a row of `pixels` pixels: rows[tap * stride + p * c + ch]
// = w[tap][ch], each row padded to a whole number of chunks (stride), so that a chunk may read
// past the row's end without leaving the table (those lanes are never stored).
std::vector<float> tapRows(const float* w, int64_t taps, int64_t c, int64_t pixels, int64_t stride) {
  std::vector<float> rows(taps * stride, 0.0f);
  for (int64_t t = 0; t < taps; ++t)
    for (int64_t p = 0; p < pixels; ++p) std::memcpy(&rows[t * stride + p * c], w + t * c, c * sizeof(float));
  return rows;
}

// out[j] = sum over taps t, in order, of src[t][j] * f[t][j], for j < len: the row in chunks,
// each chunk's sums in registers. Reads up to a chunk past len in src and f (see Padded, tapRows).
// Where a filter row repeats every Period vectors (c channels with lcm(c, 8) = 8 * Period
// floats, Period dividing kVecs: c = 1, 2, 4, ..., 32), every chunk multiplies by the same
// Period vectors, loaded once per tap; Period 0 reads f along the row.
template <int Period>
void tapSumOf(float* out, int64_t len, const float* const* src, const float* const* f, int64_t taps) {
  for (int64_t j0 = 0; j0 < len; j0 += kChunk) {
    Vec acc[kVecs] = {};
    for (int64_t t = 0; t < taps; ++t) {
      const float* s = src[t] + j0;
      if constexpr (Period == 0) {
        const float* g = f[t] + j0;
        for (int64_t v = 0; v < kVecs; ++v) acc[v] += load(s + v * kLanes) * load(g + v * kLanes);
      } else {
        Vec g[Period];
        for (int u = 0; u < Period; ++u) g[u] = load(f[t] + u * kLanes);
        for (int64_t v = 0; v < kVecs; ++v) acc[v] += load(s + v * kLanes) * g[v % Period];
      }
    }
    std::memcpy(out + j0, acc, std::min(kChunk, len - j0) * sizeof(float));
  }
}

using TapSum = void (*)(float*, int64_t, const float* const*, const float* const*, int64_t);

// The tapSumOf for c channels.
TapSum tapSumFor(int64_t c) {
  switch (std::lcm<int64_t>(c, kLanes) / kLanes) {
    case 1: return tapSumOf<1>;
    case 2: return tapSumOf<2>;
    case 4: return tapSumOf<4>;
    default: return tapSumOf<0>;
  }
}

// The filter gradient's strips: kStrip floats, kStripVecs vectors.
constexpr int64_t kStripVecs = 2, kStrip = kStripVecs * kLanes;

// For KW taps kx of one filter row: out[kx * width + j] = sum over rows r, in order, of
// src[r][kx * step + j] * grad[r * rowLen + j], for j < kStrip (KW * kStripVecs sums in registers,
// each gradient vector loaded once per row). KW 0: any kw, one tap at a time.
template <int KW>
void stripSumOf(float* out, int64_t width, const float* const* src, const float* grad, int64_t rowLen, int64_t rows, int64_t kw,
                int64_t step) {
  if constexpr (KW == 0) {
    for (int64_t kx = 0; kx < kw; ++kx) {
      Vec acc[kStripVecs] = {};
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t v = 0; v < kStripVecs; ++v) acc[v] += load(src[r] + kx * step + v * kLanes) * load(grad + r * rowLen + v * kLanes);
      std::memcpy(out + kx * width, acc, sizeof acc);
    }
  } else {
    Vec acc[KW][kStripVecs] = {};
    for (int64_t r = 0; r < rows; ++r) {
      Vec d[kStripVecs];
      for (int64_t v = 0; v < kStripVecs; ++v) d[v] = load(grad + r * rowLen + v * kLanes);
      for (int kx = 0; kx < KW; ++kx)
        for (int64_t v = 0; v < kStripVecs; ++v) acc[kx][v] += load(src[r] + kx * step + v * kLanes) * d[v];
    }
    for (int kx = 0; kx < KW; ++kx) std::memcpy(out + kx * width, acc[kx], sizeof acc[kx]);
  }
}

using StripSum = void (*)(float*, int64_t, const float* const*, const float*, int64_t, int64_t, int64_t, int64_t);

StripSum stripSumFor(int64_t kw) {
  switch (kw) {
    case 3: return stripSumOf<3>;
    case 5: return stripSumOf<5>;
    default: return stripSumOf<0>;
  }
}

// The strided kernels' channel vectors (c a multiple of 8): V vectors of a pixel's channels.
// out[0, 8V) = sum over taps t, in order, of src[t][c0 + j] * f[t][c0 + j].
template <int V>
void channelTapsOf(float* out, const float* const* src, const float* const* f, int64_t taps, int64_t c0) {
  Vec acc[V] = {};
  for (int64_t t = 0; t < taps; ++t)
    for (int v = 0; v < V; ++v) acc[v] += load(src[t] + c0 + v * kLanes) * load(f[t] + c0 + v * kLanes);
  std::memcpy(out, acc, sizeof acc);
}

// out[0, 8V) = sum over pixels p < count, in order, of a[p * aStep + j] * d[p * dStep + j].
template <int V>
void pixelSumsOf(float* out, const float* a, int64_t aStep, const float* d, int64_t dStep, int64_t count) {
  Vec acc[V] = {};
  for (int64_t p = 0; p < count; ++p)
    for (int v = 0; v < V; ++v) acc[v] += load(a + p * aStep + v * kLanes) * load(d + p * dStep + v * kLanes);
  std::memcpy(out, acc, sizeof acc);
}

void channelTaps(float* out, int64_t vecs, const float* const* src, const float* const* f, int64_t taps, int64_t c0) {
  switch (vecs) {
    case 1: return channelTapsOf<1>(out, src, f, taps, c0);
    case 2: return channelTapsOf<2>(out, src, f, taps, c0);
    case 3: return channelTapsOf<3>(out, src, f, taps, c0);
    case 4: return channelTapsOf<4>(out, src, f, taps, c0);
    case 5: return channelTapsOf<5>(out, src, f, taps, c0);
    case 6: return channelTapsOf<6>(out, src, f, taps, c0);
    case 7: return channelTapsOf<7>(out, src, f, taps, c0);
    default: return channelTapsOf<8>(out, src, f, taps, c0);
  }
}

void pixelSums(float* out, int64_t vecs, const float* a, int64_t aStep, const float* d, int64_t dStep, int64_t count) {
  switch (vecs) {
    case 1: return pixelSumsOf<1>(out, a, aStep, d, dStep, count);
    case 2: return pixelSumsOf<2>(out, a, aStep, d, dStep, count);
    case 3: return pixelSumsOf<3>(out, a, aStep, d, dStep, count);
    case 4: return pixelSumsOf<4>(out, a, aStep, d, dStep, count);
    case 5: return pixelSumsOf<5>(out, a, aStep, d, dStep, count);
    case 6: return pixelSumsOf<6>(out, a, aStep, d, dStep, count);
    case 7: return pixelSumsOf<7>(out, a, aStep, d, dStep, count);
    default: return pixelSumsOf<8>(out, a, aStep, d, dStep, count);
  }
}
}  // namespace

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
  const bool writesAll = (g.strideH == 1 && g.strideW == 1) || c % kLanes == 0;  // paths that write every element
  at::Tensor y = writesAll ? at::empty({n, ho, wo, c}, x.options()) : at::zeros({n, ho, wo, c}, x.options());
  const float* xp = x.data_ptr<float>();
  const float* wp = w.data_ptr<float>();
  float* yp = y.data_ptr<float>();
  if (g.strideH == 1 && g.strideW == 1) {
    // Output row oy, tap (ky, kx) reads the padded input's row oy + ky * dilation from column kx * dilation.
    const int64_t len = wo * c, stride = roundUp(len, kChunk), taps = kh * kw;
    const Padded in = windowInput(xp, n, h, wd, c, g, ho, wo, kh, kw, reluInput);
    const std::vector<float> rows = tapRows(wp, taps, c, wo, stride);
    const TapSum tapSum = tapSumFor(c);
    at::parallel_for(0, n * ho, 16, [&](int64_t begin, int64_t end) {
      std::vector<const float*> src(taps), f(taps);
      for (int64_t t = 0; t < taps; ++t) f[t] = rows.data() + t * stride;
      for (int64_t r = begin; r < end; ++r) {
        const int64_t b = r / ho, oy = r % ho;
        for (int64_t ky = 0; ky < kh; ++ky)
          for (int64_t kx = 0; kx < kw; ++kx) src[ky * kw + kx] = in.row(b, oy + ky * g.dilationH) + kx * g.dilationW * c;
        tapSum(yp + r * len, len, src.data(), f.data(), taps);
      }
    });
    return y;
  }
  if (c % kLanes == 0) {
    // Strided, whole vectors of channels: a chunk of an output row is kVecs channel vectors,
    // each read at its pixel's taps in the padded input (no bounds), the taps in order.
    const Padded in = windowInput(xp, n, h, wd, c, g, ho, wo, kh, kw, reluInput);
    const int64_t len = wo * c;
    at::parallel_for(0, n * ho, 16, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const int64_t b = r / ho, oy = r % ho;
        for (int64_t j0 = 0; j0 < len; j0 += kChunk) {
          const int64_t vecs = std::min(kVecs, (len - j0) / kLanes);
          int64_t at[kVecs] = {}, ch[kVecs] = {};  // per vector: its window's first input in a padded row, its channels
          for (int64_t v = 0; v < vecs; ++v) {
            ch[v] = (j0 + v * kLanes) % c;
            at[v] = (j0 + v * kLanes) / c * g.strideW * c + ch[v];
          }
          Vec acc[kVecs] = {};
          for (int64_t ky = 0; ky < kh; ++ky) {
            const float* row = in.row(b, oy * g.strideH + ky * g.dilationH);
            for (int64_t kx = 0; kx < kw; ++kx) {
              const float* src = row + kx * g.dilationW * c;
              const float* f = wp + (ky * kw + kx) * c;
              for (int64_t v = 0; v < kVecs; ++v) acc[v] += load(src + at[v]) * load(f + ch[v]);
            }
          }
          std::memcpy(yp + r * len + j0, acc, vecs * kLanes * sizeof(float));
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
  const bool writesAll = (g.strideH == 1 && g.strideW == 1) || c % kLanes == 0;  // paths that write every element
  at::Tensor dx = writesAll ? at::empty({n, h, wd, c}, dy.options()) : at::zeros({n, h, wd, c}, dy.options());
  const float* dyp = dy.data_ptr<float>();
  const float* wp = w.data_ptr<float>();
  float* dxp = dx.data_ptr<float>();
  if (g.strideH == 1 && g.strideW == 1) {
    // dx[iy][ix] sums dy[iy + top - ky * dilation][ix + left - kx * dilation] * w[ky][kx] over the
    // taps in order: in dy padded by (k - 1) * dilation - top rows (and columns) before, the
    // padded row iy + (kh - 1 - ky) * dilation from column (kw - 1 - kx) * dilation.
    const int64_t len = wd * c, stride = roundUp(len, kChunk), taps = kh * kw;
    const int64_t spanH = (kh - 1) * g.dilationH, spanW = (kw - 1) * g.dilationW;
    const Padded grad = padded(dyp, n, ho, wo, c, spanH - g.top, spanW - g.left, h + spanH, wd + spanW, false);
    const std::vector<float> rows = tapRows(wp, taps, c, wd, stride);
    const TapSum tapSum = tapSumFor(c);
    at::parallel_for(0, n * h, 16, [&](int64_t begin, int64_t end) {
      std::vector<const float*> src(taps), f(taps);
      for (int64_t t = 0; t < taps; ++t) f[t] = rows.data() + t * stride;
      for (int64_t r = begin; r < end; ++r) {
        const int64_t b = r / h, iy = r % h;
        for (int64_t ky = 0; ky < kh; ++ky)
          for (int64_t kx = 0; kx < kw; ++kx)
            src[ky * kw + kx] = grad.row(b, iy + spanH - ky * g.dilationH) + (spanW - kx * g.dilationW) * c;
        float* out = dxp + r * len;
        tapSum(out, len, src.data(), f.data(), taps);
        if (xrp) reluMask(out, xrp + r * len, len);
      }
    });
    return dx;
  }
  if (c % kLanes == 0) {
    // Strided, whole vectors of channels: as below (per input pixel, the taps whose output lies
    // inside the map, in order), with the pixel's channels summed in registers, kVecs vectors at a time.
    const int64_t len = wd * c;
    std::vector<int64_t> cols(kw * wd, -1);  // per (kx, ix): the output column reading ix through kx, or -1
    for (int64_t kx = 0; kx < kw; ++kx)
      for (int64_t ix = 0; ix < wd; ++ix) {
        const int64_t tx = ix + g.left - kx * g.dilationW;
        if (tx >= 0 && tx % g.strideW == 0 && tx / g.strideW < wo) cols[kx * wd + ix] = tx / g.strideW;
      }
    at::parallel_for(0, n * h, 16, [&](int64_t begin, int64_t end) {
      std::vector<const float*> src(kh * kw), f(kh * kw);
      for (int64_t r = begin; r < end; ++r) {
        const int64_t b = r / h, iy = r % h;
        float* out = dxp + r * len;
        for (int64_t ix = 0; ix < wd; ++ix) {
          int64_t taps = 0;  // the taps reaching (iy, ix), in order: their gradient pixel and filter
          for (int64_t ky = 0; ky < kh; ++ky) {
            const int64_t ty = iy + g.top - ky * g.dilationH;
            if (ty < 0 || ty % g.strideH != 0 || ty / g.strideH >= ho) continue;
            for (int64_t kx = 0; kx < kw; ++kx) {
              const int64_t ox = cols[kx * wd + ix];
              if (ox < 0) continue;
              src[taps] = dyp + ((b * ho + ty / g.strideH) * wo + ox) * c;
              f[taps++] = wp + (ky * kw + kx) * c;
            }
          }
          for (int64_t c0 = 0; c0 < c; c0 += kChunk) channelTaps(out + ix * c + c0, std::min(kVecs, (c - c0) / kLanes), src.data(), f.data(), taps, c0);
        }
        if (xrp) reluMask(out, xrp + r * len, len);
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
  if (g.strideH == 1 && g.strideW == 1) {
    // Per tap, a row of wo * c float sums over every (image, output row) in order, then one
    // double sum per channel. A task takes one filter row ky and a strip of kStrip floats of
    // the output row: for each (image, output row) it loads the gradient's strip once and adds
    // it, times the input shifted by each kx, into that tap's sums, all held in registers. The
    // gradient is read through a copy with slack unless its rows are whole strips.
    const int64_t len = wo * c, strips = (len + kStrip - 1) / kStrip, width = strips * kStrip;
    const Padded in = windowInput(xp, n, h, wd, c, g, ho, wo, kh, kw, reluInput);
    const Padded slack = len % kStrip == 0 ? Padded{} : padded(dyp, n, ho, wo, c, 0, 0, ho, wo, false);
    const float* gradp = len % kStrip == 0 ? dyp : slack.data.get();
    std::vector<float> acc(kh * kw * width);  // per tap, the row of float sums
    const StripSum stripSum = stripSumFor(kw);
    at::parallel_for(0, kh * strips, 1, [&](int64_t begin, int64_t end) {
      std::vector<const float*> src(n * ho);
      for (int64_t task = begin; task < end; ++task) {
        const int64_t ky = task / strips, j0 = task % strips * kStrip;
        for (int64_t b = 0; b < n; ++b)
          for (int64_t oy = 0; oy < ho; ++oy) src[b * ho + oy] = in.row(b, oy + ky * g.dilationH) + j0;
        stripSum(acc.data() + ky * kw * width + j0, width, src.data(), gradp + j0, len, n * ho, kw, g.dilationW * c);
      }
    });
    for (int64_t tap = 0; tap < kh * kw; ++tap) {
      for (int64_t ch = 0; ch < c; ++ch) {
        double total = 0;
        for (int64_t p = 0; p < wo; ++p) total += acc[tap * width + p * c + ch];
        dwp[tap * c + ch] = static_cast<float>(total);
      }
    }
    return dw;
  }
  // One tap per task: a tap's sum runs over every image and output row in order, each row
  // summed in float and added to a double total. With whole vectors of channels (C a multiple
  // of 8), a row's sums are held in registers, kVecs channel vectors at a time, reading the
  // padded input (no bounds; a row or pixel outside the map adds exact zeros).
  const bool vectors = c % kLanes == 0;
  const Padded in = vectors ? windowInput(xp, n, h, wd, c, g, ho, wo, kh, kw, reluInput) : Padded{};
  at::parallel_for(0, kh * kw, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> row(c);
    std::vector<double> total(c);
    for (int64_t tap = begin; tap < end; ++tap) {
      const int64_t ky = tap / kw, kx = tap % kw;
      std::fill(total.begin(), total.end(), 0.0);
      for (int64_t b = 0; b < n; ++b) {
        for (int64_t oy = 0; oy < ho; ++oy) {
          const float* grad = dyp + (b * ho + oy) * wo * c;
          if (vectors) {
            const float* src = in.row(b, oy * g.strideH + ky * g.dilationH) + kx * g.dilationW * c;
            for (int64_t c0 = 0; c0 < c; c0 += kChunk) pixelSums(row.data() + c0, std::min(kVecs, (c - c0) / kLanes), src + c0, g.strideW * c, grad + c0, c, wo);
            for (int64_t ch = 0; ch < c; ++ch) total[ch] += row[ch];
            continue;
          }
          const int64_t iy = oy * g.strideH - g.top + ky * g.dilationH;
          if (iy < 0 || iy >= h) continue;
          std::fill(row.begin(), row.end(), 0.0f);
          for (int64_t ox = 0; ox < wo; ++ox) {
            const int64_t ix = ox * g.strideW - g.left + kx * g.dilationW;
            if (ix < 0 || ix >= wd) continue;
            const float* pixel = xp + ((b * h + iy) * wd + ix) * c;
            for (int64_t ch = 0; ch < c; ++ch) row[ch] += input(pixel[ch], reluInput) * grad[ox * c + ch];
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
// Where a period is one chunk (C divides 64), a block's sums are held in registers: fv(t, i)
// gives f over the kLanes elements from i (positions t onward), added in the same order.
template <typename F, typename FV>
std::vector<double> channelSums(int64_t size, int64_t c, const F& f, const FV& fv) {
  const int64_t w = period(c), periods = size / w, perBlock = std::max<int64_t>(1, 16384 / w);
  const int64_t blocks = (periods + perBlock - 1) / perBlock;
  std::vector<float> partial((blocks + 1) * w, 0.0f);
  at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      float* acc = partial.data() + b * w;
      const int64_t first = b * perBlock, last = std::min(periods, (b + 1) * perBlock);
      if (w == kChunk) {
        Vec sums[kVecs] = {};
        for (int64_t p = first; p < last; ++p)
          for (int64_t v = 0; v < kVecs; ++v) sums[v] += fv(v * kLanes, p * w + v * kLanes);
        std::memcpy(acc, sums, sizeof sums);
        continue;
      }
      for (int64_t p = first; p < last; ++p) {
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
  const auto sum = channelSums(size, c, [&](int64_t, int64_t i) { return xp[i]; }, [&](int64_t, int64_t i) { return load(xp + i); });
  std::vector<float> mean(c), var(c), invstd(c);
  for (int64_t j = 0; j < c; ++j) mean[j] = static_cast<float>(sum[j] / double(rows));
  const std::vector<float> meanRep = repeated(mean, c);
  const auto sq = channelSums(
      size, c,
      [&](int64_t t, int64_t i) {
        const float d = xp[i] - meanRep[t];
        return d * d;
      },
      [&](int64_t t, int64_t i) {
        const Vec d = load(xp + i) - load(meanRep.data() + t);
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
  const auto sumDy = channelSums(size, c, [&](int64_t, int64_t i) { return dyp[i]; }, [&](int64_t, int64_t i) { return load(dyp + i); });
  const auto sumDyY = channelSums(
      size, c, [&](int64_t, int64_t i) { return dyp[i] * yp[i]; }, [&](int64_t, int64_t i) { return load(dyp + i) * load(yp + i); });
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
