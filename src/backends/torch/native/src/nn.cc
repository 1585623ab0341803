// Network kernels in tfjs' NHWC layout on ATen's NCHW functions (channels-last views, no
// copies), and the fused kernels with their own backward passes: convolution, pooling, batch
// norm in training mode, ReLU's gradient and a mixed edge's weighted sum.
#include <array>
#include <limits>

#include "table.h"

namespace snas {
namespace {

struct Window {
  std::vector<int64_t> stride, dilation;
  int64_t top, bottom, left, right;
  bool symmetric() const { return top == bottom && left == right; }
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

Window window(const Napi::Value& stride, const Napi::Value& pad, const Napi::Value& dilation) {
  auto p = ints(pad);
  return Window{ints(stride), dilation.IsUndefined() ? std::vector<int64_t>{1, 1} : ints(dilation), p.at(0), p.at(1), p.at(2), p.at(3)};
}

// tfjs filters -> ATen weights: dense [kh, kw, ci, co] -> [co, ci, kh, kw];
// depthwise [kh, kw, c, m] -> [c*m, 1, kh, kw] with groups = c.
at::Tensor torchWeight(const at::Tensor& w, bool depthwise) {
  if (!depthwise) return w.permute({3, 2, 0, 1});
  return w.reshape({w.size(0), w.size(1), w.size(2) * w.size(3)}).permute({2, 0, 1}).unsqueeze(1);
}

at::Tensor tfjsWeightGrad(const at::Tensor& g, at::IntArrayRef wShape, bool depthwise) {
  if (!depthwise) return g.permute({2, 3, 1, 0});
  return g.squeeze(1).permute({1, 2, 0}).reshape(wShape);
}

at::Tensor tensorOrShape(const Napi::Value& v) {
  if (v.IsArray()) return at::empty(ints(v), at::TensorOptions().dtype(at::kFloat).device(device()));
  return get(v);
}

// conv(x, w, stride, pad[t, b, l, r], dilation, depthwise) -> y (NHWC)
Napi::Value ConvK(const Napi::CallbackInfo& info) {
  at::Tensor x = get(info[0]), w = get(info[1]);
  Window win = window(info[2], info[3], info[4]);
  bool depthwise = flag(info[5]);
  int64_t groups = depthwise ? x.size(3) : 1;
  at::Tensor y = at::convolution(win.padInput(nchw(x), 0), torchWeight(w, depthwise), {}, win.stride, win.padding(),
                                 win.dilation, false, {0, 0}, groups);
  return out(info.Env(), nhwc(y), F32);
}

// convBackward(dy, x | xShape, w | wShape, stride, pad, dilation, depthwise, needX, needW) -> [dx, dw]
Napi::Value ConvBackwardK(const Napi::CallbackInfo& info) {
  at::Tensor dy = get(info[0]), x = tensorOrShape(info[1]), w = tensorOrShape(info[2]);
  Window win = window(info[3], info[4], info[5]);
  bool depthwise = flag(info[6]);
  std::array<bool, 3> mask{flag(info[7]), flag(info[8]), false};
  int64_t groups = depthwise ? x.size(3) : 1;
  at::Tensor xin = win.padInput(nchw(x), 0);
  auto grads = at::convolution_backward(nchw(dy), xin, torchWeight(w, depthwise), c10::nullopt, win.stride,
                                        win.padding(), win.dilation, false, {0, 0}, groups, mask);
  at::Tensor dx = mask[0] ? nhwc(win.cropGrad(std::get<0>(grads))) : at::zeros({0});
  at::Tensor dw = mask[1] ? tfjsWeightGrad(std::get<1>(grads), w.sizes(), depthwise) : at::zeros({0});
  return outs(info.Env(), {dx, dw}, {F32, F32});
}

// maxPool(x, k, stride, pad) -> [y, indices]; indices stay int64 natively (only the backward reads them).
Napi::Value MaxPoolK(const Napi::CallbackInfo& info) {
  at::Tensor x = get(info[0]);
  auto k = ints(info[1]);
  Window win = window(info[2], info[3], Napi::Value());
  auto [y, idx] = at::max_pool2d_with_indices(win.padInput(nchw(x), -std::numeric_limits<double>::infinity()), k,
                                              win.stride, win.padding(), {1, 1}, false);
  Napi::Array r = Napi::Array::New(info.Env(), 2);
  r.Set(uint32_t(0), out(info.Env(), nhwc(y), F32));
  r.Set(uint32_t(1), outRaw(info.Env(), nhwc(idx), I32));
  return r;
}

// maxPoolBackward(dy, x, indices | -1, k, stride, pad) -> dx. Without indices they are recomputed.
Napi::Value MaxPoolBackwardK(const Napi::CallbackInfo& info) {
  at::Tensor dy = get(info[0]), x = get(info[1]);
  auto k = ints(info[3]);
  Window win = window(info[4], info[5], Napi::Value());
  at::Tensor xin = win.padInput(nchw(x), -std::numeric_limits<double>::infinity());
  at::Tensor idx = info[2].As<Napi::Number>().Int32Value() >= 0
                       ? nchw(get(info[2]))
                       : std::get<1>(at::max_pool2d_with_indices(xin, k, win.stride, win.padding(), {1, 1}, false));
  at::Tensor dx = at::max_pool2d_with_indices_backward(nchw(dy), xin, k, win.stride, win.padding(), {1, 1}, false, idx);
  return out(info.Env(), nhwc(win.cropGrad(dx)), F32);
}

Window avgWindow(const Napi::CallbackInfo& info, int at) {
  Window win = window(info[at], info[at + 1], Napi::Value());
  if (!win.symmetric()) {
    throw std::invalid_argument("torch backend: average pooling with uneven padding is not supported natively; pad explicitly");
  }
  return win;
}

// avgPool(x, k, stride, pad, countIncludePad) -> y
Napi::Value AvgPoolK(const Napi::CallbackInfo& info) {
  at::Tensor x = get(info[0]);
  auto k = ints(info[1]);
  Window win = avgWindow(info, 2);
  at::Tensor y = at::avg_pool2d(nchw(x), k, win.stride, win.padding(), false, flag(info[4]), c10::nullopt);
  return out(info.Env(), nhwc(y), F32);
}

// avgPoolBackward(dy, x | xShape, k, stride, pad, countIncludePad) -> dx
Napi::Value AvgPoolBackwardK(const Napi::CallbackInfo& info) {
  at::Tensor dy = get(info[0]), x = tensorOrShape(info[1]);
  auto k = ints(info[2]);
  Window win = avgWindow(info, 3);
  at::Tensor dx = at::avg_pool2d_backward(nchw(dy), nchw(x), k, win.stride, win.padding(), false, flag(info[5]), c10::nullopt);
  return out(info.Env(), nhwc(dx), F32);
}

// Batch norm in training mode on NHWC data seen as rows [N*H*W, C]: column sums are a few
// times faster here than ATen's batch norm on channels-last maps with few channels.
at::Tensor rows(const at::Tensor& x) { return x.reshape({-1, x.size(-1)}); }

// bnTrain(x, eps, momentum[, runningMean, runningVar]) -> [y, invstd]: batch statistics over N, H, W
// (two passes), no affine; with the running statistics given, updates them in place.
Napi::Value BnTrainK(const Napi::CallbackInfo& info) {
  at::Tensor x = rows(get(info[0]));
  double eps = num(info[1]);
  double n = double(x.size(0));
  at::Tensor mean = x.sum(0) / n;
  at::Tensor centred = x - mean;
  at::Tensor var = (centred * centred).sum(0) / n;
  at::Tensor invstd = at::rsqrt(var + eps);
  at::Tensor y = (centred * invstd).reshape(get(info[0]).sizes());
  if (info.Length() >= 5) {
    // Running averages in place, PyTorch's rule: r = (1 - m) r + m batch, variance unbiased.
    const double m = num(info[2]);
    at::Tensor runningMean = get(info[3]), runningVar = get(info[4]);
    runningMean.lerp_(mean, m);
    runningVar.lerp_(var * (n / std::max(1.0, n - 1)), m);
  }
  return outs(info.Env(), {y, invstd}, {F32, F32});
}

// bnTrainBackward(dy, y, invstd) -> dx = (dy - mean(dy) - y * mean(dy * y)) * invstd
Napi::Value BnTrainBackwardK(const Napi::CallbackInfo& info) {
  at::Tensor dy = rows(get(info[0])), y = rows(get(info[1])), invstd = get(info[2]);
  double n = double(dy.size(0));
  at::Tensor meanDy = dy.sum(0) / n;
  at::Tensor meanDyY = (dy * y).sum(0) / n;
  at::Tensor dx = ((dy - meanDy) - y * meanDyY) * invstd;
  return out(info.Env(), dx.reshape(get(info[0]).sizes()), F32);
}

// reluBackward(dy, y) -> dy where y > 0, else 0
Napi::Value ReluBackwardK(const Napi::CallbackInfo& info) {
  return out(info.Env(), at::threshold_backward(get(info[0]), get(info[1]), 0), F32);
}

// weightedSum(xs, w) -> sum_k w[k] * xs[k]  (w: [K])
Napi::Value WeightedSumK(const Napi::CallbackInfo& info) {
  auto xs = tensors(info[0]);
  at::Tensor w = get(info[1]);
  at::Tensor y = xs.at(0) * w.select(0, 0);
  for (size_t k = 1; k < xs.size(); ++k) y.addcmul_(xs[k], w.select(0, k));
  return out(info.Env(), y, F32);
}

// weightedSumBackward(dy, xs, w) -> [dx_0 .. dx_{K-1}, dw]
Napi::Value WeightedSumBackwardK(const Napi::CallbackInfo& info) {
  at::Tensor dy = get(info[0]);
  auto xs = tensors(info[1]);
  at::Tensor w = get(info[2]);
  std::vector<at::Tensor> grads;
  std::vector<at::Tensor> dws;
  at::Tensor dyFlat = dy.reshape({-1});
  for (size_t k = 0; k < xs.size(); ++k) {
    grads.push_back(dy * w.select(0, k));
    dws.push_back(at::dot(dyFlat, xs[k].reshape({-1})));
  }
  grads.push_back(at::stack(dws));
  return outs(info.Env(), grads, std::vector<int>(grads.size(), F32));
}

}  // namespace

void registerNN(Napi::Env env, Napi::Object& exports) {
  exports.Set("conv", Napi::Function::New(env, ConvK));
  exports.Set("convBackward", Napi::Function::New(env, ConvBackwardK));
  exports.Set("maxPool", Napi::Function::New(env, MaxPoolK));
  exports.Set("maxPoolBackward", Napi::Function::New(env, MaxPoolBackwardK));
  exports.Set("avgPool", Napi::Function::New(env, AvgPoolK));
  exports.Set("avgPoolBackward", Napi::Function::New(env, AvgPoolBackwardK));
  exports.Set("bnTrain", Napi::Function::New(env, BnTrainK));
  exports.Set("bnTrainBackward", Napi::Function::New(env, BnTrainBackwardK));
  exports.Set("reluBackward", Napi::Function::New(env, ReluBackwardK));
  exports.Set("weightedSum", Napi::Function::New(env, WeightedSumK));
  exports.Set("weightedSumBackward", Napi::Function::New(env, WeightedSumBackwardK));
}

}  // namespace snas
