// Fused blocks: a chain of the search cell's small ops as one native call forward and one
// backward, so that tfjs records one op where it recorded two to four (and dispatches,
// allocates and frees once): the ReLU - depthwise - pointwise - batch norm block of the
// separable (twice) and dilated convolutions, and the pools followed by batch norm.
#include <stdexcept>
#include <tuple>

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

// poolBlock(x, max, k, stride, pad, eps, momentum[, runningMean, runningVar]) -> [y, invstd(, indices)]:
//   BN(3x3 max or average pooling (padding excluded from the average)), training mode, no affine.
Napi::Value PoolBlockK(const Napi::CallbackInfo& info) {
  const at::Tensor& x = get(info[0]);
  const bool isMax = flag(info[1]);
  auto k = ints(info[2]);
  Window win = window(info[3], info[4], Napi::Value());
  if (!win.symmetric()) throw std::invalid_argument("torch backend: poolBlock needs symmetric padding");
  at::Tensor p, indices;
  if (isMax) {
    std::tie(p, indices) = at::max_pool2d_with_indices(nchw(x), k, win.stride, win.padding(), {1, 1}, false);
  } else {
    p = at::avg_pool2d(nchw(x), k, win.stride, win.padding(), false, false, {});
  }
  at::Tensor pooled = nhwc(p).contiguous();
  BatchStats s = bnForward(pooled, num(info[5]));
  if (info.Length() >= 9) {
    at::Tensor runningMean = get(info[7]), runningVar = get(info[8]);
    bnUpdateRunning(s, pooled.numel() / pooled.size(-1), num(info[6]), runningMean, runningVar);
  }
  Napi::Array r = Napi::Array::New(info.Env(), isMax ? 3 : 2);
  r.Set(uint32_t(0), out(info.Env(), s.y, F32));
  r.Set(uint32_t(1), out(info.Env(), s.invstd, F32));
  if (isMax) r.Set(uint32_t(2), outRaw(info.Env(), nhwc(indices), I32));  // int64 kept natively: only the backward reads it
  return r;
}

// poolBlockBackward(dy, x, y, invstd, indices | -1, max, k, stride, pad) -> dx
Napi::Value PoolBlockBackwardK(const Napi::CallbackInfo& info) {
  const at::Tensor& x = get(info[1]);
  const bool isMax = flag(info[5]);
  auto k = ints(info[6]);
  Window win = window(info[7], info[8], Napi::Value());
  at::Tensor dp = nchw(bnBackward(get(info[0]), get(info[2]), get(info[3])));
  at::Tensor dx = isMax ? at::max_pool2d_with_indices_backward(dp, nchw(x), k, win.stride, win.padding(), {1, 1}, false, nchw(get(info[4])))
                        : at::avg_pool2d_backward(dp, nchw(x), k, win.stride, win.padding(), false, false, {});
  return out(info.Env(), nhwc(dx), F32);
}

}  // namespace

void registerBlocks(Napi::Env env, Napi::Object& exports) {
  exports.Set("poolBlock", Napi::Function::New(env, PoolBlockK));
  exports.Set("poolBlockBackward", Napi::Function::New(env, PoolBlockBackwardK));
  exports.Set("sepBlock", Napi::Function::New(env, SepBlockK));
  exports.Set("sepBlockBackward", Napi::Function::New(env, SepBlockBackwardK));
}

}  // namespace snas
