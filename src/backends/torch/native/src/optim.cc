// Optimiser steps that update parameters and their buffers in place, in one call for all
// parameters: a step of SGD over a network of ~900 small tensors is otherwise ~10 tfjs kernel
// calls and ~15 short-lived tensors per parameter. Semantics of torch.nn.utils.clip_grad_norm_
// followed by torch.optim.SGD (momentum, L2 weight decay, dampening 0, no Nesterov).
#include <algorithm>

#include "table.h"

namespace snas {
namespace {

// sgdStep(params, grads, buffers, started, lr, momentum, weightDecay, clipNorm) -> norm
//   norm: the global L2 norm of the gradients before clipping (a float32 scalar).
//   started[i] false: the momentum buffer starts at this step's gradient (PyTorch's rule).
//   clipNorm <= 0: no clipping. params and buffers are modified in place.
Napi::Value SgdStepK(const Napi::CallbackInfo& info) {
  auto params = tensors(info[0]);
  auto grads = tensors(info[1]);
  auto buffers = tensors(info[2]);
  Napi::Array started = info[3].As<Napi::Array>();
  const double lr = num(info[4]), momentum = num(info[5]), weightDecay = num(info[6]), clipNorm = num(info[7]);
  if (params.size() != grads.size() || params.size() != buffers.size() || params.size() != started.Length()) {
    throw Napi::Error::New(info.Env(), "sgdStep: params, grads, buffers and started differ in length");
  }
  at::Tensor norm = params.empty() ? at::zeros({}, options(F32)) : at::stack(at::_foreach_norm(grads)).norm();
  // The clipping factor min(1, clip / (norm + 1e-6)), in double, applied as a float. On the CPU
  // it is read back (free there) into hostScale; on a GPU it stays a device scalar (scale), so
  // that the step never waits for the device: both give the same floats.
  double hostScale = 1.0;
  at::Tensor scale;
  if (clipNorm > 0 && norm.is_cpu()) {
    hostScale = std::min(1.0, clipNorm / (norm.item<double>() + 1e-6));
  } else if (clipNorm > 0) {
    scale = (clipNorm / (norm.to(at::kDouble) + 1e-6)).clamp_max(1.0).to(at::kFloat);
  }
  for (size_t i = 0; i < params.size(); ++i) {
    at::Tensor d = scale.defined() ? grads[i] * scale : hostScale != 1.0 ? grads[i] * hostScale : grads[i];
    if (weightDecay != 0) d = d.add(params[i], weightDecay);
    if (flag(started[i])) {
      buffers[i].mul_(momentum).add_(d);
    } else {
      buffers[i].copy_(d);
    }
    params[i].add_(buffers[i], -lr);
  }
  return out(info.Env(), norm, F32);
}

}  // namespace

void registerOptim(Napi::Env env, Napi::Object& exports) {
  exports.Set("sgdStep", Napi::Function::New(env, SgdStepK));
}

}  // namespace snas
