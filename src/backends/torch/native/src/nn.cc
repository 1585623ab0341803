// Network kernels in tfjs' NHWC layout on ATen's NCHW functions (channels-last views, no
// copies), and the fused kernels with their own backward passes: convolution, pooling, batch
// norm in training mode, ReLU's gradient and a mixed edge's weighted sum.
#include <array>
#include <limits>

#include "nn.h"

namespace snas {
namespace {

at::Tensor tensorOrShape(const Napi::Value& v) {
  if (v.IsArray()) return at::empty(ints(v), at::TensorOptions().dtype(at::kFloat).device(device()));
  return get(v);
}

// conv(x, w, stride, pad[t, b, l, r], dilation, depthwise) -> y (NHWC)
Napi::Value ConvK(const Napi::CallbackInfo& info) {
  return out(info.Env(), convForward(get(info[0]), get(info[1]), window(info[2], info[3], info[4]), flag(info[5])), F32);
}

// convBackward(dy, x | xShape, w | wShape, stride, pad, dilation, depthwise, needX, needW) -> [dx, dw]
Napi::Value ConvBackwardK(const Napi::CallbackInfo& info) {
  bool needX = flag(info[7]), needW = flag(info[8]);
  auto [dx, dw] = convGrads(get(info[0]), tensorOrShape(info[1]), tensorOrShape(info[2]), window(info[3], info[4], info[5]),
                            flag(info[6]), needX, needW);
  return outs(info.Env(), {needX ? dx : at::zeros({0}), needW ? dw : at::zeros({0})}, {F32, F32});
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
  at::Tensor y = at::avg_pool2d(nchw(x), k, win.stride, win.padding(), false, flag(info[4]), {});
  return out(info.Env(), nhwc(y), F32);
}

// avgPoolBackward(dy, x | xShape, k, stride, pad, countIncludePad) -> dx
Napi::Value AvgPoolBackwardK(const Napi::CallbackInfo& info) {
  at::Tensor dy = get(info[0]), x = tensorOrShape(info[1]);
  auto k = ints(info[2]);
  Window win = avgWindow(info, 3);
  at::Tensor dx = at::avg_pool2d_backward(nchw(dy), nchw(x), k, win.stride, win.padding(), false, flag(info[5]), {});
  return out(info.Env(), nhwc(dx), F32);
}

// bnTrain(x, eps, momentum[, runningMean, runningVar]) -> [y, invstd]: batch statistics over N, H, W
// (two passes), no affine; with the running statistics given, updates them in place.
Napi::Value BnTrainK(const Napi::CallbackInfo& info) {
  const at::Tensor& x = get(info[0]);
  BatchStats s = bnForward(x, num(info[1]));
  if (info.Length() >= 5) {
    at::Tensor runningMean = get(info[3]), runningVar = get(info[4]);
    bnUpdateRunning(s, x.numel() / x.size(-1), num(info[2]), runningMean, runningVar);
  }
  return outs(info.Env(), {s.y, s.invstd}, {F32, F32});
}

// bnTrainBackward(dy, y, invstd) -> dx = (dy - mean(dy) - y * mean(dy * y)) * invstd
Napi::Value BnTrainBackwardK(const Napi::CallbackInfo& info) {
  return out(info.Env(), bnBackward(get(info[0]), get(info[1]), get(info[2])), F32);
}

// reluBackward(dy, y) -> dy where y > 0, else 0
Napi::Value ReluBackwardK(const Napi::CallbackInfo& info) {
  return out(info.Env(), at::threshold_backward(get(info[0]), get(info[1]), 0), F32);
}

// weightedSum(xs, w) -> sum_k w[k] * xs[k]  (w: [K])
Napi::Value WeightedSumK(const Napi::CallbackInfo& info) {
  auto xs = tensors(info[0]);
  at::Tensor w = get(info[1]);
  if (directWeightedSumFits(xs, w)) return out(info.Env(), weightedSumForward(xs, w), F32);
  at::Tensor y = xs.at(0) * w.select(0, 0);
  for (size_t k = 1; k < xs.size(); ++k) y.addcmul_(xs[k], w.select(0, k));
  return out(info.Env(), y, F32);
}

// weightedSumBackward(dy, xs, w) -> [dx_0 .. dx_{K-1}, dw]
Napi::Value WeightedSumBackwardK(const Napi::CallbackInfo& info) {
  at::Tensor dy = get(info[0]);
  auto xs = tensors(info[1]);
  at::Tensor w = get(info[2]);
  if (directWeightedSumFits(xs, w) && dy.sizes() == xs[0].sizes()) {
    auto grads = weightedSumBackward(dy, xs, w);
    return outs(info.Env(), grads, std::vector<int>(grads.size(), F32));
  }
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

at::Tensor convForward(const at::Tensor& x, const at::Tensor& w, const Window& win, bool depthwise, bool reluInput) {
  if (depthwise && directDepthwiseFits(x, w)) {
    return depthwiseForward(x, w, win.geometry(), win.outSize(x.size(1), w.size(0), 0), win.outSize(x.size(2), w.size(1), 1),
                            reluInput);
  }
  const at::Tensor in = reluInput ? at::relu(x) : x;
  if (!depthwise && win.isPointwise() && directPointwiseFits(in, w)) return pointwiseForward(in, w);
  int64_t groups = depthwise ? in.size(3) : 1;
  at::Tensor y = at::convolution(win.padInput(nchw(in), 0), torchWeight(w, depthwise), {}, win.stride, win.padding(),
                                 win.dilation, false, {0, 0}, groups);
  return nhwc(y);
}

std::pair<at::Tensor, at::Tensor> convGrads(const at::Tensor& dy, const at::Tensor& x, const at::Tensor& w, const Window& win,
                                            bool depthwise, bool needX, bool needW, bool reluInput) {
  if (depthwise && directDepthwiseFits(x, w)) {
    return {needX ? depthwiseBackwardInput(dy, x.sizes(), w, win.geometry(), reluInput ? x : at::Tensor()) : at::Tensor(),
            needW ? depthwiseBackwardFilter(dy, x, w.sizes(), win.geometry(), reluInput) : at::Tensor()};
  }
  if (reluInput) {
    const at::Tensor r = at::relu(x);
    auto [dr, dw] = convGrads(dy, r, w, win, depthwise, needX, needW, false);
    return {needX ? at::threshold_backward(dr, r, 0) : at::Tensor(), dw};
  }
  if (!depthwise && win.isPointwise() && directPointwiseFits(x, w)) {
    return {needX ? pointwiseBackwardInput(dy, w) : at::Tensor(), needW ? pointwiseBackwardFilter(dy, x) : at::Tensor()};
  }
  // A strided 1x1 filter without padding reads every stride-th pixel: its gradients are those of a
  // pointwise convolution of those pixels. Computed so, they never reach oneDNN 2.6's strided 1x1
  // backward-weights kernel, which hangs (two threads) or crashes (one thread) on small channel
  // counts: seen in a smoke search (x [8,16,16,4] NHWC, 2 filters, stride 2) and in Debian's
  // PyTorch 1.13 itself on the same shapes.
  if (!depthwise && w.size(0) == 1 && w.size(1) == 1 && win.top == 0 && win.bottom == 0 && win.left == 0 && win.right == 0 &&
      (win.stride.at(0) > 1 || win.stride.at(1) > 1)) {
    const int64_t sh = win.stride.at(0), sw = win.stride.at(1);
    const at::Tensor xs = x.slice(1, 0, x.size(1), sh).slice(2, 0, x.size(2), sw).contiguous();
    auto [dxs, dw] = convGrads(dy, xs, w, Window{{1, 1}, {1, 1}, 0, 0, 0, 0}, false, needX, needW, false);
    at::Tensor dx;
    if (needX) {
      dx = at::zeros(x.sizes(), x.options());
      dx.slice(1, 0, x.size(1), sh).slice(2, 0, x.size(2), sw).copy_(dxs);
    }
    return {dx, dw};
  }
  int64_t groups = depthwise ? x.size(3) : 1;
  std::array<bool, 3> mask{needX, needW, false};
  auto grads = at::convolution_backward(nchw(dy), win.padInput(nchw(x), 0), torchWeight(w, depthwise), {}, win.stride,
                                        win.padding(), win.dilation, false, {0, 0}, groups, mask);
  return {needX ? nhwc(win.cropGrad(std::get<0>(grads))) : at::Tensor(),
          needW ? tfjsWeightGrad(std::get<1>(grads), w.sizes(), depthwise) : at::Tensor()};
}

// NHWC data seen as rows [N*H*W, C]: column sums are a few times faster here than ATen's batch
// norm on channels-last maps with few channels.
namespace {
at::Tensor rows(const at::Tensor& x) { return x.reshape({-1, x.size(-1)}); }
}  // namespace

BatchStats bnForward(const at::Tensor& x, double eps) {
  if (directRowsFit(x)) {
    auto [y, invstd, mean, var] = batchNormRows(x, eps);
    return BatchStats{y, invstd, mean, var};
  }
  at::Tensor r = rows(x);
  double n = double(r.size(0));
  at::Tensor mean = r.sum(0) / n;
  at::Tensor centred = r - mean;
  at::Tensor var = (centred * centred).sum(0) / n;
  at::Tensor invstd = at::rsqrt(var + eps);
  return BatchStats{(centred * invstd).reshape(x.sizes()), invstd, mean, var};
}

void bnUpdateRunning(const BatchStats& s, int64_t count, double momentum, at::Tensor& runningMean, at::Tensor& runningVar) {
  double n = double(count);
  runningMean.lerp_(s.mean, momentum);
  runningVar.lerp_(s.var * (n / std::max(1.0, n - 1)), momentum);
}

at::Tensor bnBackward(const at::Tensor& dyIn, const at::Tensor& yIn, const at::Tensor& invstd) {
  if (directRowsFit(yIn)) return batchNormRowsBackward(dyIn, yIn, invstd);
  at::Tensor dy = rows(dyIn), y = rows(yIn);
  double n = double(dy.size(0));
  at::Tensor meanDy = dy.sum(0) / n;
  at::Tensor meanDyY = (dy * y).sum(0) / n;
  return (((dy - meanDy) - y * meanDyY) * invstd).reshape(dyIn.sizes());
}

namespace {
// direct([on]) -> whether the direct kernels (direct.cc) are used; with an argument, sets it first.
Napi::Value DirectK(const Napi::CallbackInfo& info) {
  if (info.Length() > 0) setDirectEnabled(flag(info[0]));
  return Napi::Boolean::New(info.Env(), directEnabled());
}

}  // namespace

void registerNN(Napi::Env env, Napi::Object& exports) {
  exports.Set("direct", Napi::Function::New(env, DirectK));
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
