// The native side of the `torch` tfjs backend: tensors live here, in a table indexed by the
// integer ids that the JS backend keeps in its tfjs data ids.
#pragma once
#include <ATen/ATen.h>
#include <napi.h>

#include <vector>

namespace snas {

// tfjs dtypes as the JS side numbers them.
enum Code : int { F32 = 0, I32 = 1, BOOL = 2 };

at::ScalarType scalarType(int code);
at::TensorOptions options(int code);
at::Device device();
void setDevice(const at::Device& d);

int put(at::Tensor t);
const at::Tensor& get(const Napi::Value& id);
void release(int id);
size_t live();
// Bytes held by live tensors (storages shared by views counted once).
size_t liveBytes();

// A kernel's result as JS sees it: [id, dtype code, ...shape]. `code` is the tfjs dtype the
// result stands for; the tensor is converted to it (int64 -> int32, double -> float) and made
// contiguous (views from permute, slice or expand are materialised).
Napi::Value out(Napi::Env env, const at::Tensor& t, int code);
// Same, keeping the tensor's own scalar type (internal tensors JS never reads, e.g. int64 indices).
Napi::Value outRaw(Napi::Env env, const at::Tensor& t, int code);
Napi::Value outs(Napi::Env env, const std::vector<at::Tensor>& ts, const std::vector<int>& codes);

std::vector<int64_t> ints(const Napi::Value& v);
std::vector<at::Tensor> tensors(const Napi::Value& ids);
int codeOf(const Napi::Value& v);
double num(const Napi::Value& v);
bool flag(const Napi::Value& v);
int64_t dim(int64_t axis, int64_t rank);

// tfjs is NHWC; ATen's convolutions and pooling take NCHW. A view with permuted strides (no copy).
inline at::Tensor nchw(const at::Tensor& x) { return x.permute({0, 3, 1, 2}); }
inline at::Tensor nhwc(const at::Tensor& x) { return x.permute({0, 2, 3, 1}); }

using Register = void (*)(Napi::Env, Napi::Object&);
void registerMath(Napi::Env env, Napi::Object& exports);
void registerShape(Napi::Env env, Napi::Object& exports);
void registerNN(Napi::Env env, Napi::Object& exports);
void registerBlocks(Napi::Env env, Napi::Object& exports);
void registerOptim(Napi::Env env, Napi::Object& exports);

}  // namespace snas
