// Module entry: tensor transfer between JS and libtorch, lifetime, threads and device.
#include <ATen/Parallel.h>
#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/csrc/api/include/torch/version.h>
#include <cstring>
#include <malloc.h>

#include "table.h"

namespace snas {
namespace {

// init(threads, device): uses `threads` intra-op threads (libtorch starts with one here).
Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int threads = info[0].As<Napi::Number>().Int32Value();
  std::string dev = info[1].As<Napi::String>().Utf8Value();
  at::Device d(dev);
  if (d.is_cuda() && !at::hasCUDA()) {
    throw Napi::Error::New(env, "torch backend: device '" + dev + "' requested but this libtorch was built without CUDA");
  }
  setDevice(d);
  if (threads > 0) at::set_num_threads(threads);
  // Keep freed tensor memory in the heap for the next step instead of returning it to the
  // system and faulting it in again (glibc otherwise maps each large tensor afresh).
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  Napi::Object r = Napi::Object::New(env);
  r.Set("threads", at::get_num_threads());
  r.Set("device", device().str());
  r.Set("cuda", at::hasCUDA());
  r.Set("mkldnn", at::hasMKLDNN());
  r.Set("config", at::show_config());
  // CUDA runtime and cuDNN versions as their libraries encode them (e.g. 12080, 90100); 0 without CUDA.
  const bool cuda = at::hasCUDA();
  r.Set("gpus", cuda ? at::detail::getCUDAHooks().getNumGPUs() : 0);
  r.Set("cudart", cuda ? double(at::detail::getCUDAHooks().versionCUDART()) : 0.0);
  r.Set("cudnn", cuda && at::globalContext().hasCuDNN() ? double(at::detail::getCUDAHooks().versionCuDNN()) : 0.0);
  return r;
}

// write(values: TypedArray | null, shape, code) -> id
Napi::Value Write(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto shape = ints(info[1]);
  int code = codeOf(info[2]);
  if (!info[0].IsTypedArray()) return Napi::Number::New(env, put(at::zeros(shape, options(code))));
  // On a GPU the values go through page-locked memory and are copied without waiting: the
  // copy queues behind the kernels already queued (the step still running), and the host goes
  // on preparing the next batch.
  const bool gpu = device() != at::kCPU;
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(scalarType(code)).pinned_memory(gpu));
  {
    Napi::TypedArray a = info[0].As<Napi::TypedArray>();
    size_t bytes = a.ByteLength();
    if (bytes != size_t(t.nbytes())) {
      throw Napi::Error::New(env, "torch backend: write got " + std::to_string(bytes) + " bytes for a tensor of " +
                                      std::to_string(t.nbytes()));
    }
    auto* base = static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
    std::memcpy(t.data_ptr(), base, bytes);
  }
  if (gpu) t = t.to(device(), /*non_blocking=*/true);
  return Napi::Number::New(env, put(t));
}

// read(id, code) -> Float32Array | Int32Array | Uint8Array (a copy)
Napi::Value Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int code = codeOf(info[1]);
  at::Tensor t = get(info[0]).to(at::kCPU, scalarType(code)).contiguous();
  size_t n = t.numel();
  size_t bytes = t.nbytes();
  Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, bytes);
  if (bytes) std::memcpy(buf.Data(), t.data_ptr(), bytes);
  switch (code) {
    case F32: return Napi::Float32Array::New(env, n, buf, 0);
    case I32: return Napi::Int32Array::New(env, n, buf, 0);
    default: return Napi::Uint8Array::New(env, n, buf, 0);
  }
}

Napi::Value Free(const Napi::CallbackInfo& info) {
  release(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

Napi::Value Count(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), double(live())); }
Napi::Value Bytes(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), double(liveBytes())); }

Napi::Value Version(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) +
                                           "." + std::to_string(TORCH_VERSION_PATCH));
}

Napi::Object Module(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, Init));
  exports.Set("write", Napi::Function::New(env, Write));
  exports.Set("read", Napi::Function::New(env, Read));
  exports.Set("free", Napi::Function::New(env, Free));
  exports.Set("count", Napi::Function::New(env, Count));
  exports.Set("bytes", Napi::Function::New(env, Bytes));
  exports.Set("version", Napi::Function::New(env, Version));
  registerMath(env, exports);
  registerShape(env, exports);
  registerNN(env, exports);
  registerBlocks(env, exports);
  registerOptim(env, exports);
  return exports;
}

}  // namespace
}  // namespace snas

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return snas::Module(env, exports); }
NODE_API_MODULE(snas_torch, InitModule)
