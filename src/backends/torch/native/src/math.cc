// Element-wise, reduction and linear-algebra kernels.
#include <functional>
#include <string>
#include <unordered_map>

#include "table.h"

namespace snas {
namespace {

using Unary = std::function<at::Tensor(const at::Tensor&, double)>;
using Binary = std::function<at::Tensor(const at::Tensor&, const at::Tensor&)>;

const std::unordered_map<std::string, Unary>& unaryOps() {
  static const std::unordered_map<std::string, Unary> ops = {
      {"Abs", [](const at::Tensor& x, double) { return at::abs(x); }},
      {"Acos", [](const at::Tensor& x, double) { return at::acos(x); }},
      {"Acosh", [](const at::Tensor& x, double) { return at::acosh(x); }},
      {"Asin", [](const at::Tensor& x, double) { return at::asin(x); }},
      {"Asinh", [](const at::Tensor& x, double) { return at::asinh(x); }},
      {"Atan", [](const at::Tensor& x, double) { return at::atan(x); }},
      {"Atanh", [](const at::Tensor& x, double) { return at::atanh(x); }},
      {"Ceil", [](const at::Tensor& x, double) { return at::ceil(x); }},
      {"Cos", [](const at::Tensor& x, double) { return at::cos(x); }},
      {"Cosh", [](const at::Tensor& x, double) { return at::cosh(x); }},
      {"Elu", [](const at::Tensor& x, double) { return at::elu(x); }},
      {"Erf", [](const at::Tensor& x, double) { return at::erf(x); }},
      {"Exp", [](const at::Tensor& x, double) { return at::exp(x); }},
      {"Expm1", [](const at::Tensor& x, double) { return at::expm1(x); }},
      {"Floor", [](const at::Tensor& x, double) { return at::floor(x); }},
      {"IsFinite", [](const at::Tensor& x, double) { return at::isfinite(x); }},
      {"IsInf", [](const at::Tensor& x, double) { return at::isinf(x); }},
      {"IsNan", [](const at::Tensor& x, double) { return at::isnan(x); }},
      {"LeakyRelu", [](const at::Tensor& x, double a) { return at::where(x.lt(0), x * a, x); }},
      {"Log", [](const at::Tensor& x, double) { return at::log(x); }},
      {"Log1p", [](const at::Tensor& x, double) { return at::log1p(x); }},
      {"LogicalNot", [](const at::Tensor& x, double) { return at::logical_not(x); }},
      {"Neg", [](const at::Tensor& x, double) { return at::neg(x); }},
      {"Reciprocal", [](const at::Tensor& x, double) { return at::reciprocal(x); }},
      {"Relu", [](const at::Tensor& x, double) { return at::relu(x); }},
      {"Relu6", [](const at::Tensor& x, double) { return at::clamp(x, 0, 6); }},
      {"Round", [](const at::Tensor& x, double) { return at::round(x); }},
      {"Rsqrt", [](const at::Tensor& x, double) { return at::rsqrt(x); }},
      {"Selu", [](const at::Tensor& x, double) { return at::selu(x); }},
      {"Sigmoid", [](const at::Tensor& x, double) { return at::sigmoid(x); }},
      {"Sign", [](const at::Tensor& x, double) { return at::sign(x); }},
      {"Sin", [](const at::Tensor& x, double) { return at::sin(x); }},
      {"Sinh", [](const at::Tensor& x, double) { return at::sinh(x); }},
      {"Softplus", [](const at::Tensor& x, double) { return at::softplus(x); }},
      {"Sqrt", [](const at::Tensor& x, double) { return at::sqrt(x); }},
      {"Square", [](const at::Tensor& x, double) { return at::mul(x, x); }},
      // tfjs' step: 1 where x > 0, alpha elsewhere, NaN stays NaN.
      {"Step", [](const at::Tensor& x, double a) {
         return at::where(at::isnan(x), x, at::where(x.gt(0), at::ones_like(x), at::full_like(x, a)));
       }},
      {"Tan", [](const at::Tensor& x, double) { return at::tan(x); }},
      {"Tanh", [](const at::Tensor& x, double) { return at::tanh(x); }},
      {"ZerosLike", [](const at::Tensor& x, double) { return at::zeros_like(x); }},
      {"OnesLike", [](const at::Tensor& x, double) { return at::ones_like(x); }},
  };
  return ops;
}

const std::unordered_map<std::string, Binary>& binaryOps() {
  static const std::unordered_map<std::string, Binary> ops = {
      {"Add", [](const at::Tensor& a, const at::Tensor& b) { return at::add(a, b); }},
      {"Sub", [](const at::Tensor& a, const at::Tensor& b) { return at::sub(a, b); }},
      {"Multiply", [](const at::Tensor& a, const at::Tensor& b) { return at::mul(a, b); }},
      {"RealDiv", [](const at::Tensor& a, const at::Tensor& b) { return at::div(a, b); }},
      {"FloorDiv", [](const at::Tensor& a, const at::Tensor& b) { return at::div(a, b, "floor"); }},
      {"Mod", [](const at::Tensor& a, const at::Tensor& b) { return at::remainder(a, b); }},
      {"Maximum", [](const at::Tensor& a, const at::Tensor& b) { return at::maximum(a, b); }},
      {"Minimum", [](const at::Tensor& a, const at::Tensor& b) { return at::minimum(a, b); }},
      {"Pow", [](const at::Tensor& a, const at::Tensor& b) { return at::pow(a, b); }},
      {"SquaredDifference", [](const at::Tensor& a, const at::Tensor& b) { auto d = a - b; return d * d; }},
      {"Atan2", [](const at::Tensor& a, const at::Tensor& b) { return at::atan2(a, b); }},
      {"Equal", [](const at::Tensor& a, const at::Tensor& b) { return at::eq(a, b); }},
      {"NotEqual", [](const at::Tensor& a, const at::Tensor& b) { return at::ne(a, b); }},
      {"Less", [](const at::Tensor& a, const at::Tensor& b) { return at::lt(a, b); }},
      {"LessEqual", [](const at::Tensor& a, const at::Tensor& b) { return at::le(a, b); }},
      {"Greater", [](const at::Tensor& a, const at::Tensor& b) { return at::gt(a, b); }},
      {"GreaterEqual", [](const at::Tensor& a, const at::Tensor& b) { return at::ge(a, b); }},
      {"LogicalAnd", [](const at::Tensor& a, const at::Tensor& b) { return at::logical_and(a, b); }},
      {"LogicalOr", [](const at::Tensor& a, const at::Tensor& b) { return at::logical_or(a, b); }},
      // elu's gradient from its output: dy where y >= 0, dy * (y + 1) elsewhere.
      {"EluGrad", [](const at::Tensor& dy, const at::Tensor& y) { return at::where(y.ge(0), dy, dy * (y + 1)); }},
  };
  return ops;
}

template <typename Map>
const typename Map::mapped_type& lookup(const Map& m, const std::string& name, const char* what) {
  auto it = m.find(name);
  if (it == m.end()) throw std::invalid_argument(std::string("torch backend: no native ") + what + " kernel '" + name + "'");
  return it->second;
}

bool isFloat(const at::Tensor& t) { return at::isFloatingType(t.scalar_type()); }

// unary(name, x, outCode, alpha)
Napi::Value UnaryK(const Napi::CallbackInfo& info) {
  const auto& f = lookup(unaryOps(), info[0].As<Napi::String>().Utf8Value(), "unary");
  at::Tensor x = get(info[1]);
  int code = codeOf(info[2]);
  if (code == F32 && !isFloat(x)) x = x.to(at::kFloat);
  return out(info.Env(), f(x, num(info[3])), code);
}

// binary(name, a, b, outCode, inCode): inputs are first cast to the common tfjs dtype `inCode`.
Napi::Value BinaryK(const Napi::CallbackInfo& info) {
  const auto& f = lookup(binaryOps(), info[0].As<Napi::String>().Utf8Value(), "binary");
  auto in = scalarType(codeOf(info[4]));
  at::Tensor a = get(info[1]), b = get(info[2]);
  if (a.scalar_type() != in) a = a.to(in);
  if (b.scalar_type() != in) b = b.to(in);
  return out(info.Env(), f(a, b), codeOf(info[3]));
}

// reduce(name, x, axes, keepDims, outCode)
Napi::Value ReduceK(const Napi::CallbackInfo& info) {
  std::string name = info[0].As<Napi::String>().Utf8Value();
  at::Tensor x = get(info[1]);
  auto axes = ints(info[2]);
  bool keep = flag(info[3]);
  int code = codeOf(info[4]);
  at::Tensor r;
  if (name == "Sum") r = at::sum(x, axes, keep);
  else if (name == "Mean") r = at::mean(isFloat(x) ? x : x.to(at::kFloat), axes, keep);
  else if (name == "Max") r = at::amax(x, axes, keep);
  else if (name == "Min") r = at::amin(x, axes, keep);
  else if (name == "Prod" || name == "All" || name == "Any") {
    r = name == "Prod" ? x : x.to(at::kBool);
    std::sort(axes.begin(), axes.end(), std::greater<int64_t>());
    for (int64_t a : axes) {
      if (name == "Prod") r = at::prod(r, a, keep);
      else if (name == "All") r = at::all(r, a, keep);
      else r = at::any(r, a, keep);
    }
  } else if (name == "ArgMax" || name == "ArgMin") {
    r = name == "ArgMax" ? at::argmax(x, axes.at(0), keep) : at::argmin(x, axes.at(0), keep);
  } else {
    throw std::invalid_argument("torch backend: no native reduction '" + name + "'");
  }
  return out(info.Env(), r, code);
}

Napi::Value CastK(const Napi::CallbackInfo& info) {
  return out(info.Env(), get(info[0]), codeOf(info[1]));
}

// select(cond, a, b)
Napi::Value SelectK(const Napi::CallbackInfo& info) {
  return out(info.Env(), at::where(get(info[0]).to(at::kBool), get(info[1]), get(info[2])), codeOf(info[3]));
}

Napi::Value ClipK(const Napi::CallbackInfo& info) {
  at::Tensor x = get(info[0]);
  return out(info.Env(), at::clamp(x, num(info[1]), num(info[2])), codeOf(info[3]));
}

Napi::Value SoftmaxK(const Napi::CallbackInfo& info) {
  at::Tensor x = get(info[0]);
  return out(info.Env(), at::softmax(x, dim(info[1].As<Napi::Number>().Int64Value(), x.dim())), F32);
}

// matmul(a, b, transposeA, transposeB): batched, with broadcast batch dimensions.
Napi::Value MatMulK(const Napi::CallbackInfo& info) {
  at::Tensor a = get(info[0]), b = get(info[1]);
  if (flag(info[2])) a = a.transpose(-2, -1);
  if (flag(info[3])) b = b.transpose(-2, -1);
  return out(info.Env(), at::matmul(a, b), F32);
}

// batchNorm(x, mean, variance, offset|-1, scale|-1, eps): tfjs' FusedBatchNorm (inference form).
Napi::Value BatchNormK(const Napi::CallbackInfo& info) {
  at::Tensor x = get(info[0]), mean = get(info[1]), var = get(info[2]);
  at::Tensor y = (x - mean) * at::rsqrt(var + num(info[5]));
  if (info[4].As<Napi::Number>().Int32Value() >= 0) y = y * get(info[4]);
  if (info[3].As<Napi::Number>().Int32Value() >= 0) y = y + get(info[3]);
  return out(info.Env(), y, F32);
}

// cumulative(product, x, axis, exclusive, reverse, code): cumsum or cumprod.
Napi::Value CumulativeK(const Napi::CallbackInfo& info) {
  bool product = flag(info[0]);
  at::Tensor x = get(info[1]);
  int64_t axis = dim(info[2].As<Napi::Number>().Int64Value(), x.dim());
  bool exclusive = flag(info[3]), reverse = flag(info[4]);
  at::Tensor v = reverse ? at::flip(x, {axis}) : x;
  if (exclusive) {
    // Shift by one along the axis, starting from the identity element.
    std::vector<int64_t> pad(2 * (x.dim() - axis), 0);
    pad[pad.size() - 2] = 1;
    v = at::constant_pad_nd(v.narrow(axis, 0, v.size(axis) - 1), pad, product ? 1 : 0);
  }
  at::Tensor r = product ? at::cumprod(v, axis) : at::cumsum(v, axis);
  if (reverse) r = at::flip(r, {axis});
  return out(info.Env(), r, codeOf(info[5]));
}

// topk(x, k, sorted, code) -> [values, indices]
Napi::Value TopKK(const Napi::CallbackInfo& info) {
  at::Tensor x = get(info[0]);
  auto [values, indices] = at::topk(x, info[1].As<Napi::Number>().Int64Value(), -1, true, true);
  return outs(info.Env(), {values, indices}, {codeOf(info[3]), I32});
}

// addN(xs) -> xs[0] + xs[1] + ...
Napi::Value AddNK(const Napi::CallbackInfo& info) {
  auto xs = tensors(info[0]);
  at::Tensor y = xs.size() > 1 ? at::add(xs[0], xs[1]) : xs.at(0).clone();
  for (size_t k = 2; k < xs.size(); ++k) y.add_(xs[k]);
  return out(info.Env(), y, codeOf(info[1]));
}

}  // namespace

void registerMath(Napi::Env env, Napi::Object& exports) {
  exports.Set("unary", Napi::Function::New(env, UnaryK));
  exports.Set("binary", Napi::Function::New(env, BinaryK));
  exports.Set("reduce", Napi::Function::New(env, ReduceK));
  exports.Set("cast", Napi::Function::New(env, CastK));
  exports.Set("select", Napi::Function::New(env, SelectK));
  exports.Set("clip", Napi::Function::New(env, ClipK));
  exports.Set("softmax", Napi::Function::New(env, SoftmaxK));
  exports.Set("matmul", Napi::Function::New(env, MatMulK));
  exports.Set("batchNorm", Napi::Function::New(env, BatchNormK));
  exports.Set("cumulative", Napi::Function::New(env, CumulativeK));
  exports.Set("topk", Napi::Function::New(env, TopKK));
  exports.Set("addN", Napi::Function::New(env, AddNK));
  Napi::Array u = Napi::Array::New(env), b = Napi::Array::New(env);
  uint32_t i = 0;
  for (const auto& kv : unaryOps()) u.Set(i++, kv.first);
  i = 0;
  for (const auto& kv : binaryOps()) b.Set(i++, kv.first);
  exports.Set("unaryKernels", u);
  exports.Set("binaryKernels", b);
}

}  // namespace snas
