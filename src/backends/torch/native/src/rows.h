// Row kernels' shared pieces (direct.cc, pool.cc): GCC's generic float vectors (AVX2 where
// built with -march=native, plain registers elsewhere), and a padded copy of an NHWC map, so
// that every tap of a stride-1 window reads a whole contiguous run of a row, without bounds.
#pragma once
#include <cstdint>
#include <cstring>
#include <memory>

namespace snas {

typedef float Vec __attribute__((vector_size(32)));
typedef int32_t VecI __attribute__((vector_size(32)));
constexpr int64_t kLanes = 8, kVecs = 8, kChunk = kLanes * kVecs;

inline Vec load(const float* p) {
  Vec v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline int64_t roundUp(int64_t n, int64_t m) { return (n + m - 1) / m * m; }

// A padded copy of x [n, h, w, c] (of relu(x) with `relu`): [n, hp, wp, c] with
// padded[b][py][px] = x[b][py - top][px - left] where that lies inside x, else `fill`, and a
// chunk of slack at the end so that the last row's chunks may read past it.
struct Padded {
  std::unique_ptr<float[]> data;
  int64_t hp, wp, c;
  const float* row(int64_t b, int64_t py) const { return data.get() + (b * hp + py) * wp * c; }
};

Padded padded(const float* x, int64_t n, int64_t h, int64_t w, int64_t c, int64_t top, int64_t left, int64_t hp, int64_t wp,
              bool relu, float fill = 0.0f);

}  // namespace snas
