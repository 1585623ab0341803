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
//   -> [y, depthwise output, invstd]: BN(pointwise(depthwise(relu(x)))), training mode, no affine;
//   with the running statistics given, updates them in place. The depthwise output is what the
//   backward pass needs besides x (the ReLU is applied inside the depthwise kernels, both ways).
Napi::Value SepBlockK(const Napi::CallbackInfo& info) {
  const at::Tensor& x = get(info[0]);
  const at::Tensor& wd = get(info[1]);
  const at::Tensor& wp = get(info[2]);
  Window win = window(info[3], info[4], info[5]);
  at::Tensor d = convForward(x, wd, win, true, true).contiguous();
  at::Tensor p = convForward(d, wp, pointwise(), false);
  BatchStats s = bnForward(p, num(info[6]));
  if (info.Length() >= 10) {
    at::Tensor runningMean = get(info[8]), runningVar = get(info[9]);
    bnUpdateRunning(s, p.numel() / p.size(-1), num(info[7]), runningMean, runningVar);
  }
  return outs(info.Env(), {s.y, d, s.invstd}, {F32, F32, F32});
}

// Batch norm of an evaluation: with the running statistics at args[at], args[at + 1] (which stay
// as they are), or, where they are not given, with the batch's own statistics (the same numbers
// as the training-mode blocks' output, without what their backward pass would need).
at::Tensor bnEval(const at::Tensor& x, const Napi::CallbackInfo& info, size_t at, double eps) {
  if (info.Length() > at + 1 && !info[at].IsUndefined()) return bnInfer(x, get(info[at]), get(info[at + 1]), eps);
  return bnForward(x, eps).y;
}

// sepBlockInfer(x, wDepthwise, wPointwise, stride, pad[t, b, l, r], dilation, eps[, runningMean, runningVar])
//   -> y: the block in inference mode (BN with the running statistics, or without them with the
//   batch's statistics); evaluation only, so nothing is kept for a backward pass.
Napi::Value SepBlockInferK(const Napi::CallbackInfo& info) {
  Window win = window(info[3], info[4], info[5]);
  at::Tensor d = convForward(get(info[0]), get(info[1]), win, true, true);
  at::Tensor p = convForward(d.contiguous(), get(info[2]), pointwise(), false);
  return out(info.Env(), bnEval(p, info, 7, num(info[6])), F32);
}

// sepBlockBackward(dy, x, depthwise output, y, invstd, wDepthwise, wPointwise, stride, pad, dilation)
//   -> [dx, dwDepthwise, dwPointwise]
Napi::Value SepBlockBackwardK(const Napi::CallbackInfo& info) {
  const at::Tensor& x = get(info[1]);
  const at::Tensor& d = get(info[2]);
  Window win = window(info[7], info[8], info[9]);
  at::Tensor dp = bnBackward(get(info[0]), get(info[3]), get(info[4]));
  auto [dd, dwp] = convGrads(dp, d, get(info[6]), pointwise(), false, true, true);
  auto [dx, dwd] = convGrads(dd, x, get(info[5]), win, true, true, true, true);
  return outs(info.Env(), {dx, dwd, dwp}, {F32, F32, F32});
}

// Whether the direct pool kernels (pool.cc) take this square, stride-1, evenly padded window.
bool directPool(const at::Tensor& x, const std::vector<int64_t>& k, const Window& win) {
  return k.at(0) == k.at(1) && win.top == win.left && win.stride.at(0) == win.stride.at(1) &&
         directPoolFits(x, k[0], win.stride[0], win.top);
}

// The pool blocks' pooling, NHWC: max (with the indices its backward needs: the direct kernels'
// int32 taps, or ATen's int64 NCHW positions) or average with the padding excluded.
std::pair<at::Tensor, at::Tensor> blockPool(const at::Tensor& x, bool isMax, const std::vector<int64_t>& k, const Window& win) {
  if (!win.symmetric()) throw std::invalid_argument("torch backend: poolBlock needs symmetric padding");
  if (directPool(x, k, win)) return isMax ? maxPoolForward(x, k[0], win.top) : std::pair{avgPoolForward(x, k[0], win.top), at::Tensor()};
  if (!isMax) return {nhwc(at::avg_pool2d(nchw(x), k, win.stride, win.padding(), false, false, {})).contiguous(), at::Tensor()};
  auto [p, indices] = at::max_pool2d_with_indices(nchw(x), k, win.stride, win.padding(), {1, 1}, false);
  return {nhwc(p).contiguous(), indices};
}

// poolBlock(x, max, k, stride, pad, eps, momentum[, runningMean, runningVar]) -> [y, invstd(, indices)]:
//   BN(3x3 max or average pooling (padding excluded from the average)), training mode, no affine.
Napi::Value PoolBlockK(const Napi::CallbackInfo& info) {
  const bool isMax = flag(info[1]);
  auto [pooled, indices] = blockPool(get(info[0]), isMax, ints(info[2]), window(info[3], info[4], Napi::Value()));
  BatchStats s = bnForward(pooled, num(info[5]));
  if (info.Length() >= 9) {
    at::Tensor runningMean = get(info[7]), runningVar = get(info[8]);
    bnUpdateRunning(s, pooled.numel() / pooled.size(-1), num(info[6]), runningMean, runningVar);
  }
  Napi::Array r = Napi::Array::New(info.Env(), isMax ? 3 : 2);
  r.Set(uint32_t(0), out(info.Env(), s.y, F32));
  r.Set(uint32_t(1), out(info.Env(), s.invstd, F32));
  // The indices keep their own type natively (only the backward reads them): ATen's int64 flat
  // positions (NCHW), or the direct kernels' int32 taps (NHWC).
  if (isMax) r.Set(uint32_t(2), outRaw(info.Env(), indices.scalar_type() == at::kInt ? indices : nhwc(indices), I32));
  return r;
}

// poolBlockInfer(x, max, k, stride, pad, eps[, runningMean, runningVar]) -> y: the block in
//   inference mode (BN as in sepBlockInfer).
Napi::Value PoolBlockInferK(const Napi::CallbackInfo& info) {
  at::Tensor pooled = blockPool(get(info[0]), flag(info[1]), ints(info[2]), window(info[3], info[4], Napi::Value())).first;
  return out(info.Env(), bnEval(pooled, info, 6, num(info[5])), F32);
}

// poolBlockBackward(dy, x, y, invstd, indices | -1, max, k, stride, pad) -> dx
Napi::Value PoolBlockBackwardK(const Napi::CallbackInfo& info) {
  const at::Tensor& x = get(info[1]);
  const bool isMax = flag(info[5]);
  auto k = ints(info[6]);
  Window win = window(info[7], info[8], Napi::Value());
  if (isMax ? get(info[4]).scalar_type() == at::kInt : directPool(x, k, win)) {
    at::Tensor dp = bnBackward(get(info[0]), get(info[2]), get(info[3]));
    return out(info.Env(), isMax ? maxPoolBackward(dp, get(info[4]), k[0], win.top, x.size(1), x.size(2))
                                 : avgPoolBackward(dp, k[0], win.top, x.size(1), x.size(2)), F32);
  }
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
  exports.Set("sepBlockInfer", Napi::Function::New(env, SepBlockInferK));
  exports.Set("poolBlockInfer", Napi::Function::New(env, PoolBlockInferK));
}

}  // namespace snas
