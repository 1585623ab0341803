// Fused blocks: a chain of the search cell's small ops as one native call forward and one
// backward, so that tfjs records one op where it recorded four (and dispatches, allocates and
// frees once). The ReLU - depthwise - pointwise - batch norm block is the separable (twice)
// and dilated convolutions' building block.
#include "nn.h"

namespace snas {
namespace {

Window pointwise() { return Window{{1, 1}, {1, 1}, 0, 0, 0, 0}; }

// sepBlock(x, wDepthwise, wPointwise, stride, pad[t, b, l, r], dilation, eps, momentum[, runningMean, runningVar])
//   -> [y, relu(x), depthwise output, invstd]: BN(pointwise(depthwise(relu(x)))), training mode, no
//   affine; with the running statistics given, updates them in place. The middle two outputs are
//   what the backward pass needs.
Napi::Value SepBlockK(const Napi::CallbackInfo& info) {
  const at::Tensor& x = get(info[0]);
  const at::Tensor& wd = get(info[1]);
  const at::Tensor& wp = get(info[2]);
  Window win = window(info[3], info[4], info[5]);
  at::Tensor r = at::relu(x);
  at::Tensor d = convForward(r, wd, win, true).contiguous();
  at::Tensor p = convForward(d, wp, pointwise(), false);
  BatchStats s = bnForward(p, num(info[6]));
  if (info.Length() >= 10) {
    at::Tensor runningMean = get(info[8]), runningVar = get(info[9]);
    bnUpdateRunning(s, p.numel() / p.size(-1), num(info[7]), runningMean, runningVar);
  }
  return outs(info.Env(), {s.y, r, d, s.invstd}, {F32, F32, F32, F32});
}

// sepBlockBackward(dy, relu(x), depthwise output, y, invstd, wDepthwise, wPointwise, stride, pad, dilation)
//   -> [dx, dwDepthwise, dwPointwise]
Napi::Value SepBlockBackwardK(const Napi::CallbackInfo& info) {
  const at::Tensor& r = get(info[1]);
  const at::Tensor& d = get(info[2]);
  Window win = window(info[7], info[8], info[9]);
  at::Tensor dp = bnBackward(get(info[0]), get(info[3]), get(info[4]));
  auto [dd, dwp] = convGrads(dp, d, get(info[6]), pointwise(), false, true, true);
  auto [dr, dwd] = convGrads(dd, r, get(info[5]), win, true, true, true);
  return outs(info.Env(), {at::threshold_backward(dr, r, 0), dwd, dwp}, {F32, F32, F32});
}

}  // namespace

void registerBlocks(Napi::Env env, Napi::Object& exports) {
  exports.Set("sepBlock", Napi::Function::New(env, SepBlockK));
  exports.Set("sepBlockBackward", Napi::Function::New(env, SepBlockBackwardK));
}

}  // namespace snas
