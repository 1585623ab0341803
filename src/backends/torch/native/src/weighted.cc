// Direct kernels for a mixed edge's weighted sum y = sum_k w[k] * x_k and its backward pass
// (dx_k = w[k] * dy, dw[k] = <dy, x_k>): one pass over the data for all K terms instead of K
// ATen calls each way. The dot products are summed in fixed blocks of elements, each in
// float, and the blocks added in order in double, so the result does not depend on the
// number of threads.
#include <ATen/Parallel.h>

#include <algorithm>
#include <vector>

#include "direct.h"

namespace snas {

namespace {
constexpr int64_t kBlock = 16384;

std::vector<float> hostValues(const at::Tensor& w) {
  const at::Tensor c = w.contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

std::vector<const float*> pointers(const std::vector<at::Tensor>& xs) {
  std::vector<const float*> p;
  for (const at::Tensor& x : xs) p.push_back(x.data_ptr<float>());
  return p;
}
}  // namespace

bool directWeightedSumFits(const std::vector<at::Tensor>& xs, const at::Tensor& w) {
  if (!directRowsFit(w) || w.dim() != 1 || w.size(0) != int64_t(xs.size()) || xs.empty()) return false;
  return std::all_of(xs.begin(), xs.end(), [&](const at::Tensor& x) { return directRowsFit(x) && x.sizes() == xs[0].sizes(); });
}

at::Tensor weightedSumForward(const std::vector<at::Tensor>& xsIn, const at::Tensor& w) {
  std::vector<at::Tensor> xs;
  for (const at::Tensor& x : xsIn) xs.push_back(x.contiguous());
  const std::vector<float> wv = hostValues(w);
  const std::vector<const float*> xp = pointers(xs);
  const int64_t size = xs[0].numel(), terms = int64_t(xs.size());
  at::Tensor y = at::empty(xs[0].sizes(), xs[0].options());
  float* yp = y.data_ptr<float>();
  at::parallel_for(0, size, kBlock, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) yp[i] = wv[0] * xp[0][i];
    for (int64_t k = 1; k < terms; ++k) {
      const float wk = wv[k];
      const float* x = xp[k];
      for (int64_t i = begin; i < end; ++i) yp[i] += wk * x[i];
    }
  });
  return y;
}

std::vector<at::Tensor> weightedSumBackward(const at::Tensor& dyIn, const std::vector<at::Tensor>& xsIn, const at::Tensor& w) {
  const at::Tensor dy = dyIn.contiguous();
  std::vector<at::Tensor> xs;
  for (const at::Tensor& x : xsIn) xs.push_back(x.contiguous());
  const std::vector<float> wv = hostValues(w);
  const std::vector<const float*> xp = pointers(xs);
  const int64_t size = dy.numel(), terms = int64_t(xs.size()), blocks = (size + kBlock - 1) / kBlock;
  std::vector<at::Tensor> grads;
  std::vector<float*> gp;
  for (int64_t k = 0; k < terms; ++k) {
    grads.push_back(at::empty(dy.sizes(), dy.options()));
    gp.push_back(grads.back().data_ptr<float>());
  }
  const float* dyp = dy.data_ptr<float>();
  std::vector<float> partial(blocks * terms, 0.0f);
  at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      const int64_t from = b * kBlock, to = std::min(size, from + kBlock);
      for (int64_t k = 0; k < terms; ++k) {
        const float wk = wv[k];
        const float* x = xp[k];
        float* g = gp[k];
        float dot = 0.0f;
        for (int64_t i = from; i < to; ++i) {
          g[i] = wk * dyp[i];
          dot += dyp[i] * x[i];
        }
        partial[b * terms + k] = dot;
      }
    }
  });
  at::Tensor dw = at::empty({terms}, w.options());
  float* dwp = dw.data_ptr<float>();
  for (int64_t k = 0; k < terms; ++k) {
    double total = 0;
    for (int64_t b = 0; b < blocks; ++b) total += partial[b * terms + k];
    dwp[k] = static_cast<float>(total);
  }
  grads.push_back(dw);
  return grads;
}

}  // namespace snas
