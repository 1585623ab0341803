#include "table.h"

#include <stdexcept>
#include <string>
#include <unordered_set>

namespace snas {

namespace {
std::vector<at::Tensor> slots;
std::vector<int> freeSlots;
size_t liveCount = 0;
at::Device currentDevice(at::kCPU);
}  // namespace

at::ScalarType scalarType(int code) {
  switch (code) {
    case F32: return at::kFloat;
    case I32: return at::kInt;
    case BOOL: return at::kBool;
  }
  throw std::invalid_argument("torch backend: unknown dtype code " + std::to_string(code));
}

at::TensorOptions options(int code) { return at::TensorOptions().dtype(scalarType(code)).device(currentDevice); }
at::Device device() { return currentDevice; }
void setDevice(const at::Device& d) { currentDevice = d; }

int put(at::Tensor t) {
  ++liveCount;
  if (!freeSlots.empty()) {
    int id = freeSlots.back();
    freeSlots.pop_back();
    slots[id] = std::move(t);
    return id;
  }
  slots.push_back(std::move(t));
  return static_cast<int>(slots.size() - 1);
}

const at::Tensor& get(const Napi::Value& v) {
  int64_t id = v.As<Napi::Number>().Int64Value();
  if (id < 0 || id >= static_cast<int64_t>(slots.size()) || !slots[id].defined()) {
    throw std::invalid_argument("torch backend: no native tensor with id " + std::to_string(id));
  }
  return slots[id];
}

void release(int id) {
  if (id < 0 || id >= static_cast<int>(slots.size()) || !slots[id].defined()) return;
  slots[id] = at::Tensor();
  freeSlots.push_back(id);
  --liveCount;
}

size_t live() { return liveCount; }

size_t liveBytes() {
  std::unordered_set<const void*> seen;
  size_t bytes = 0;
  for (const auto& t : slots) {
    if (!t.defined()) continue;
    const void* data = t.storage().data();
    if (seen.insert(data).second) bytes += t.storage().nbytes();
  }
  return bytes;
}

static Napi::Value describe(Napi::Env env, const at::Tensor& t, int code) {
  auto sizes = t.sizes();
  Napi::Array r = Napi::Array::New(env, sizes.size() + 2);
  r.Set(uint32_t(0), Napi::Number::New(env, put(t)));
  r.Set(uint32_t(1), Napi::Number::New(env, code));
  for (size_t i = 0; i < sizes.size(); ++i) r.Set(uint32_t(i + 2), Napi::Number::New(env, double(sizes[i])));
  return r;
}

Napi::Value out(Napi::Env env, const at::Tensor& t, int code) {
  auto want = scalarType(code);
  // Results are stored row-major in their tfjs shape, so that an NHWC map seen as NCHW is
  // exactly channels-last for the next kernel and element-wise kernels take their fast path.
  return describe(env, (t.scalar_type() == want ? t : t.to(want)).contiguous(), code);
}

Napi::Value outRaw(Napi::Env env, const at::Tensor& t, int code) { return describe(env, t, code); }

Napi::Value outs(Napi::Env env, const std::vector<at::Tensor>& ts, const std::vector<int>& codes) {
  Napi::Array r = Napi::Array::New(env, ts.size());
  for (size_t i = 0; i < ts.size(); ++i) r.Set(uint32_t(i), out(env, ts[i], codes[i]));
  return r;
}

std::vector<int64_t> ints(const Napi::Value& v) {
  Napi::Array a = v.As<Napi::Array>();
  std::vector<int64_t> r(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) r[i] = a.Get(i).As<Napi::Number>().Int64Value();
  return r;
}

std::vector<at::Tensor> tensors(const Napi::Value& ids) {
  Napi::Array a = ids.As<Napi::Array>();
  std::vector<at::Tensor> r;
  r.reserve(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) r.push_back(get(a.Get(i)));
  return r;
}

int codeOf(const Napi::Value& v) { return v.As<Napi::Number>().Int32Value(); }
double num(const Napi::Value& v) { return v.As<Napi::Number>().DoubleValue(); }
bool flag(const Napi::Value& v) { return v.ToBoolean().Value(); }
int64_t dim(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }

}  // namespace snas
