// Direct NHWC kernels (direct.cc, pointwise.cc): depthwise and pointwise convolution, and
// training-mode batch norm, forward and backward.
#pragma once
#include <ATen/ATen.h>

#include <array>

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

at::Tensor depthwiseForward(const at::Tensor& x, const at::Tensor& w, const Geometry& g, int64_t ho, int64_t wo);
at::Tensor depthwiseBackwardInput(const at::Tensor& dy, at::IntArrayRef xShape, const at::Tensor& w, const Geometry& g);
at::Tensor depthwiseBackwardFilter(const at::Tensor& dy, const at::Tensor& x, at::IntArrayRef wShape, const Geometry& g);

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

}  // namespace snas
