// Shared by the network kernels (nn.cc) and the fused blocks (block.cc): window geometry,
// convolution and training-mode batch norm on NHWC tensors.
#pragma once
#include <utility>

#include "direct.h"
#include "table.h"

namespace snas {

struct Window {
  std::vector<int64_t> stride, dilation;
  int64_t top, bottom, left, right;
  bool symmetric() const { return top == bottom && left == right; }
  // Stride 1 and no padding (a 1x1 filter's window then reads each pixel once).
  bool isPointwise() const { return stride.at(0) == 1 && stride.at(1) == 1 && top == 0 && bottom == 0 && left == 0 && right == 0; }
  Geometry geometry() const { return Geometry{stride.at(0), stride.at(1), dilation.at(0), dilation.at(1), top, left}; }
  // Output rows (or columns) of an input of `size` for a k-tap window along axis `a` (0: height).
  int64_t outSize(int64_t size, int64_t k, int a) const {
    const int64_t before = a == 0 ? top : left, after = a == 0 ? bottom : right;
    return (size + before + after - dilation.at(a) * (k - 1) - 1) / stride.at(a) + 1;
  }
  std::vector<int64_t> padding() const { return symmetric() ? std::vector<int64_t>{top, left} : std::vector<int64_t>{0, 0}; }
  // Explicit padding of an NCHW tensor where ATen's symmetric padding cannot express it.
  at::Tensor padInput(const at::Tensor& x, double value) const {
    return symmetric() ? x : at::constant_pad_nd(x, {left, right, top, bottom}, value);
  }
  at::Tensor cropGrad(const at::Tensor& g) const {
    if (symmetric()) return g;
    return g.narrow(2, top, g.size(2) - top - bottom).narrow(3, left, g.size(3) - left - right);
  }
};

inline Window window(const Napi::Value& stride, const Napi::Value& pad, const Napi::Value& dilation) {
  auto p = ints(pad);
  return Window{ints(stride), dilation.IsUndefined() ? std::vector<int64_t>{1, 1} : ints(dilation), p.at(0), p.at(1), p.at(2), p.at(3)};
}

// tfjs filters -> ATen weights: dense [kh, kw, ci, co] -> [co, ci, kh, kw];
// depthwise [kh, kw, c, m] -> [c*m, 1, kh, kw] with groups = c.
inline at::Tensor torchWeight(const at::Tensor& w, bool depthwise) {
  if (!depthwise) return w.permute({3, 2, 0, 1});
  return w.reshape({w.size(0), w.size(1), w.size(2) * w.size(3)}).permute({2, 0, 1}).unsqueeze(1);
}

inline at::Tensor tfjsWeightGrad(const at::Tensor& g, at::IntArrayRef wShape, bool depthwise) {
  if (!depthwise) return g.permute({2, 3, 1, 0});
  return g.squeeze(1).permute({1, 2, 0}).reshape(wShape);
}

// Convolution of NHWC x (of relu(x) with `reluInput`) with a tfjs filter (dense HWIO or
// depthwise [k, k, C, m]); NHWC result. The direct depthwise kernels apply the ReLU as they read.
at::Tensor convForward(const at::Tensor& x, const at::Tensor& w, const Window& win, bool depthwise, bool reluInput = false);
// Its gradients [dx, dw] with respect to x and w (each undefined unless asked for; with
// `reluInput`, through the ReLU); x and w may be shape-only tensors when not needed.
std::pair<at::Tensor, at::Tensor> convGrads(const at::Tensor& dy, const at::Tensor& x, const at::Tensor& w, const Window& win,
                                            bool depthwise, bool needX, bool needW, bool reluInput = false);

// Batch norm in training mode without affine parameters, over N, H, W of an NHWC tensor.
struct BatchStats {
  at::Tensor y, invstd, mean, var;
};
BatchStats bnForward(const at::Tensor& x, double eps);
// PyTorch's running averages, in place: r = (1 - m) r + m batch (variance unbiased).
void bnUpdateRunning(const BatchStats& s, int64_t count, double momentum, at::Tensor& runningMean, at::Tensor& runningVar);
at::Tensor bnBackward(const at::Tensor& dy, const at::Tensor& y, const at::Tensor& invstd);
// Batch norm in inference mode without affine parameters: (x - runningMean) / sqrt(runningVar + eps)
// per channel (the last axis of an NHWC tensor).
inline at::Tensor bnInfer(const at::Tensor& x, const at::Tensor& runningMean, const at::Tensor& runningVar, double eps) {
  if (directRowsFit(x)) return batchNormRowsInfer(x, runningMean, runningVar, eps);
  return (x - runningMean) * at::rsqrt(runningVar + eps);
}


}  // namespace snas
