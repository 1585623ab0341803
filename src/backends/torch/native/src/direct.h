// Direct NHWC kernels (direct.cc, pointwise.cc): depthwise and pointwise convolution, and
// training-mode batch norm, forward and backward.
#pragma once
#include <ATen/ATen.h>

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace snas {

// A window's geometry: stride, dilation, and the padding before the first row and column
// (the padding after them follows from the output size).
struct Geometry {
  int64_t strideH, strideW, dilationH, dilationW, top, left;
};

// On unless SNAS_TORCH_DIRECT=0 (or setDirectEnabled(false), for tests that compare with ATen).
bool directEnabled();
void setDirectEnabled(bool on);

// Whether the direct depthwise kernels take x [N, H, W, C] and w [k, k, C, 1] (float, CPU).
bool directDepthwiseFits(const at::Tensor& x, const at::Tensor& w);

// With `reluInput` the kernels read relu(x) where x is given; with `reluOf` defined, the input
// gradient is ReLU's too (zero where reluOf <= 0), so that ReLU then depthwise is one kernel.
at::Tensor depthwiseForward(const at::Tensor& x, const at::Tensor& w, const Geometry& g, int64_t ho, int64_t wo, bool reluInput);
at::Tensor depthwiseBackwardInput(const at::Tensor& dy, at::IntArrayRef xShape, const at::Tensor& w, const Geometry& g,
                                  const at::Tensor& reluOf);
at::Tensor depthwiseBackwardFilter(const at::Tensor& dy, const at::Tensor& x, at::IntArrayRef wShape, const Geometry& g,
                                   bool reluInput);

// Pointwise (1x1, stride 1, unpadded) convolution, x [N, H, W, Cin], w [1, 1, Cin, Cout]
// (pointwise.cc): used up to this many filter weights, where ATen's convolution is slower.
constexpr int64_t kPointwiseMaxWeights = 256;
bool directPointwiseFits(const at::Tensor& x, const at::Tensor& w);
at::Tensor pointwiseForward(const at::Tensor& x, const at::Tensor& w);
at::Tensor pointwiseBackwardInput(const at::Tensor& dy, const at::Tensor& w);
at::Tensor pointwiseBackwardFilter(const at::Tensor& dy, const at::Tensor& x);

// Whether the row kernels (batch norm) take x: float on the CPU, direct kernels on.
bool directRowsFit(const at::Tensor& x);
// Batch norm over every axis but the last, no affine: [y, invstd, mean, biased variance]; and dx.
std::array<at::Tensor, 4> batchNormRows(const at::Tensor& x, double eps);
at::Tensor batchNormRowsBackward(const at::Tensor& dy, const at::Tensor& y, const at::Tensor& invstd);
// Batch norm with given statistics (inference): (x - mean) * rsqrt(var + eps) per channel, in one
// pass and one allocation, rounded as ATen's three operations round.
at::Tensor batchNormRowsInfer(const at::Tensor& x, const at::Tensor& mean, const at::Tensor& var, double eps);

// Stride-1 k x k pooling with symmetric padding `pad` (pool.cc): max pooling returns [y, the
// tap of each maximum (int32, ky * k + kx)]; average pooling leaves the padding out of the count.
bool directPoolFits(const at::Tensor& x, int64_t k, int64_t stride, int64_t pad);
std::pair<at::Tensor, at::Tensor> maxPoolForward(const at::Tensor& x, int64_t k, int64_t pad);
at::Tensor maxPoolBackward(const at::Tensor& dy, const at::Tensor& taps, int64_t k, int64_t pad, int64_t h, int64_t w);
at::Tensor avgPoolForward(const at::Tensor& x, int64_t k, int64_t pad);
at::Tensor avgPoolBackward(const at::Tensor& dy, int64_t k, int64_t pad, int64_t h, int64_t w);

// A mixed edge's weighted sum sum_k w[k] * xs[k] (weighted.cc), for K same-shaped float CPU
// tensors and w [K]; its backward pass returns [dx_0 .. dx_{K-1}, dw].
bool directWeightedSumFits(const std::vector<at::Tensor>& xs, const at::Tensor& w);
at::Tensor weightedSumForward(const std::vector<at::Tensor>& xs, const at::Tensor& w);
std::vector<at::Tensor> weightedSumBackward(const at::Tensor& dy, const std::vector<at::Tensor>& xs, const at::Tensor& w);

}  // namespace snas
