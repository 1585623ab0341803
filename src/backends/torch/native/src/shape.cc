// Kernels that move, select or create data: reshape, slice, concat, pad, gather, scatter, fill.
#include "table.h"

namespace snas {
namespace {

int64_t product(at::IntArrayRef xs, size_t from, size_t to) {
  int64_t p = 1;
  for (size_t i = from; i < to; ++i) p *= xs[i];
  return p;
}

Napi::Value ReshapeK(const Napi::CallbackInfo& info) {
  return out(info.Env(), get(info[0]).reshape(ints(info[1])), codeOf(info[2]));
}

Napi::Value ConcatK(const Napi::CallbackInfo& info) {
  auto xs = tensors(info[0]);
  int64_t axis = dim(info[1].As<Napi::Number>().Int64Value(), xs.at(0).dim());
  return out(info.Env(), at::cat(xs, axis), codeOf(info[2]));
}

Napi::Value StackK(const Napi::CallbackInfo& info) {
  auto xs = tensors(info[0]);
  int64_t axis = dim(info[1].As<Napi::Number>().Int64Value(), xs.at(0).dim() + 1);
  return out(info.Env(), at::stack(xs, axis), codeOf(info[2]));
}

Napi::Value UnstackK(const Napi::CallbackInfo& info) {
  at::Tensor x = get(info[0]);
  auto parts = at::unbind(x, dim(info[1].As<Napi::Number>().Int64Value(), x.dim()));
  int code = codeOf(info[2]);
  return outs(info.Env(), std::vector<at::Tensor>(parts.begin(), parts.end()), std::vector<int>(parts.size(), code));
}

// slice(x, begin, size, code); size -1 means "to the end".
Napi::Value SliceK(const Napi::CallbackInfo& info) {
  at::Tensor x = get(info[0]);
  auto begin = ints(info[1]), size = ints(info[2]);
  for (size_t d = 0; d < begin.size(); ++d) {
    int64_t n = size[d] < 0 ? x.size(d) - begin[d] : size[d];
    if (begin[d] != 0 || n != x.size(d)) x = x.narrow(d, begin[d], n);
  }
  return out(info.Env(), x, codeOf(info[3]));
}

// stridedSlice(x, begin, end, strides, finalShape, code): begin/end/strides already resolved
// by tfjs' slice_util (positive strides only).
Napi::Value StridedSliceK(const Napi::CallbackInfo& info) {
  at::Tensor x = get(info[0]);
  auto begin = ints(info[1]), end = ints(info[2]), strides = ints(info[3]);
  for (size_t d = 0; d < begin.size(); ++d) {
    if (strides[d] <= 0) throw std::invalid_argument("torch backend: StridedSlice with a negative stride is not supported");
    x = x.slice(d, begin[d], std::max(begin[d], end[d]), strides[d]);
  }
  return out(info.Env(), x.reshape(ints(info[4])), codeOf(info[5]));
}

Napi::Value SplitK(const Napi::CallbackInfo& info) {
  at::Tensor x = get(info[0]);
  auto parts = at::split_with_sizes(x, ints(info[1]), dim(info[2].As<Napi::Number>().Int64Value(), x.dim()));
  int code = codeOf(info[3]);
  return outs(info.Env(), std::vector<at::Tensor>(parts.begin(), parts.end()), std::vector<int>(parts.size(), code));
}

Napi::Value TransposeK(const Napi::CallbackInfo& info) {
  return out(info.Env(), get(info[0]).permute(ints(info[1])), codeOf(info[2]));
}

Napi::Value TileK(const Napi::CallbackInfo& info) {
  return out(info.Env(), get(info[0]).repeat(ints(info[1])), codeOf(info[2]));
}

Napi::Value ReverseK(const Napi::CallbackInfo& info) {
  return out(info.Env(), at::flip(get(info[0]), ints(info[1])), codeOf(info[2]));
}

// pad(x, paddings [before0, after0, before1, ...], value, code)
Napi::Value PadK(const Napi::CallbackInfo& info) {
  at::Tensor x = get(info[0]);
  auto p = ints(info[1]);
  // constant_pad_nd takes (before, after) pairs starting from the last dimension.
  std::vector<int64_t> torchPad;
  for (int64_t d = x.dim() - 1; d >= 0; --d) {
    torchPad.push_back(p[2 * d]);
    torchPad.push_back(p[2 * d + 1]);
  }
  return out(info.Env(), at::constant_pad_nd(x, torchPad, num(info[2])), codeOf(info[3]));
}

Napi::Value FillK(const Napi::CallbackInfo& info) {
  int code = codeOf(info[2]);
  return out(info.Env(), at::full(ints(info[0]), num(info[1]), options(code)), code);
}

Napi::Value RangeK(const Napi::CallbackInfo& info) {
  int code = codeOf(info[3]);
  double start = num(info[0]), stop = num(info[1]), step = num(info[2]);
  at::Tensor r = at::arange(start, stop, step, at::TensorOptions().dtype(at::kDouble).device(device()));
  return out(info.Env(), r, code);
}

// oneHot(indices, depth, on, off, code): out-of-range indices give a row of `off`, as in tfjs.
Napi::Value OneHotK(const Napi::CallbackInfo& info) {
  at::Tensor idx = get(info[0]).to(at::kLong);
  int64_t depth = info[1].As<Napi::Number>().Int64Value();
  int code = codeOf(info[4]);
  at::Tensor hit = at::eq(idx.unsqueeze(-1), at::arange(depth, idx.options()));
  at::Tensor on = at::scalar_tensor(num(info[2]), options(code)), off = at::scalar_tensor(num(info[3]), options(code));
  return out(info.Env(), at::where(hit, on, off), code);
}

// gather(x, indices, axis, code): tfjs' GatherV2 with batchDims 0.
Napi::Value GatherK(const Napi::CallbackInfo& info) {
  at::Tensor x = get(info[0]), idx = get(info[1]).to(at::kLong);
  int64_t axis = dim(info[2].As<Napi::Number>().Int64Value(), x.dim());
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().begin() + axis);
  for (auto s : idx.sizes()) shape.push_back(s);
  for (int64_t d = axis + 1; d < x.dim(); ++d) shape.push_back(x.size(d));
  return out(info.Env(), at::index_select(x, axis, idx.reshape({-1})).reshape(shape), codeOf(info[3]));
}

// Row-major flat position of each index tuple (last dimension of `idx`) in the first k dims of `shape`.
at::Tensor flatIndex(const at::Tensor& idx, at::IntArrayRef shape) {
  int64_t k = idx.size(-1);
  at::Tensor flat = at::zeros(idx.sizes().slice(0, idx.dim() - 1), idx.options().dtype(at::kLong));
  int64_t stride = 1;
  for (int64_t j = k - 1; j >= 0; --j) {
    flat = flat + idx.select(-1, j).to(at::kLong) * stride;
    stride *= shape[j];
  }
  return flat.reshape({-1});
}

Napi::Value GatherNdK(const Napi::CallbackInfo& info) {
  at::Tensor x = get(info[0]), idx = get(info[1]);
  int64_t k = idx.size(-1);
  auto xs = x.sizes();
  at::Tensor rows = x.reshape({product(xs, 0, k), -1}).index_select(0, flatIndex(idx, xs));
  std::vector<int64_t> shape(idx.sizes().begin(), idx.sizes().end() - 1);
  for (size_t d = k; d < xs.size(); ++d) shape.push_back(xs[d]);
  return out(info.Env(), rows.reshape(shape), codeOf(info[2]));
}

// scatterNd(indices, updates, shape, code): duplicates add up, as in tfjs.
Napi::Value ScatterNdK(const Napi::CallbackInfo& info) {
  at::Tensor idx = get(info[0]), upd = get(info[1]);
  auto shape = ints(info[2]);
  int64_t k = idx.size(-1);
  int64_t rows = product(shape, 0, k), inner = product(shape, k, shape.size());
  at::Tensor acc = at::zeros({rows, inner}, upd.options());
  acc.index_add_(0, flatIndex(idx, shape), upd.reshape({-1, inner}));
  return out(info.Env(), acc.reshape(shape), codeOf(info[3]));
}

// segmentSum(x, segmentIds, numSegments, code): rows of x added into their segment.
Napi::Value SegmentSumK(const Napi::CallbackInfo& info) {
  at::Tensor x = get(info[0]), ids = get(info[1]).to(at::kLong).reshape({-1});
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
  shape[0] = info[2].As<Napi::Number>().Int64Value();
  at::Tensor acc = at::zeros(shape, x.options());
  acc.index_add_(0, ids, x);
  return out(info.Env(), acc, codeOf(info[3]));
}

}  // namespace

void registerShape(Napi::Env env, Napi::Object& exports) {
  exports.Set("reshape", Napi::Function::New(env, ReshapeK));
  exports.Set("concat", Napi::Function::New(env, ConcatK));
  exports.Set("stack", Napi::Function::New(env, StackK));
  exports.Set("unstack", Napi::Function::New(env, UnstackK));
  exports.Set("slice", Napi::Function::New(env, SliceK));
  exports.Set("stridedSlice", Napi::Function::New(env, StridedSliceK));
  exports.Set("split", Napi::Function::New(env, SplitK));
  exports.Set("transpose", Napi::Function::New(env, TransposeK));
  exports.Set("tile", Napi::Function::New(env, TileK));
  exports.Set("reverse", Napi::Function::New(env, ReverseK));
  exports.Set("pad", Napi::Function::New(env, PadK));
  exports.Set("fill", Napi::Function::New(env, FillK));
  exports.Set("range", Napi::Function::New(env, RangeK));
  exports.Set("oneHot", Napi::Function::New(env, OneHotK));
  exports.Set("gather", Napi::Function::New(env, GatherK));
  exports.Set("gatherNd", Napi::Function::New(env, GatherNdK));
  exports.Set("scatterNd", Napi::Function::New(env, ScatterNdK));
  exports.Set("segmentSum", Napi::Function::New(env, SegmentSumK));
}

}  // namespace snas
