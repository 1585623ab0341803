{
  "targets": [{
    "target_name": "snas_torch",
    "sources": ["src/addon.cc", "src/table.cc", "src/math.cc", "src/shape.cc", "src/nn.cc", "src/direct.cc", "src/pointwise.cc", "src/block.cc", "src/weighted.cc", "src/pool.cc", "src/optim.cc"],
    "include_dirs": [
      "<!(node -p \"require('node-addon-api').include_dir\")",
      "<!(echo ${SNAS_TORCH_INCLUDE:-/usr/include})",
      "<!(echo ${SNAS_TORCH_INCLUDE:-/usr/include}/torch/csrc/api/include)"
    ],
    "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_CPP_EXCEPTIONS_ALL", "_GLIBCXX_USE_CXX11_ABI=<!(echo ${SNAS_TORCH_ABI:-1})"],
    "cflags!": ["-fno-exceptions", "-fno-rtti"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++14"],
    "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O3", "-march=native", "-fopenmp", "-Wno-unused-parameter"],
    "libraries": [
      "<!(echo -L${SNAS_TORCH_LIB:-/usr/lib/x86_64-linux-gnu})", "-ltorch", "-ltorch_cpu", "-lc10",
      "<!@(test \"${SNAS_TORCH_CUDA:-}\" = 1 && echo -Wl,--no-as-needed -ltorch_cuda -lc10_cuda -Wl,--as-needed || true)"
    ],
    "ldflags": ["-fopenmp", "<!(echo -Wl,-rpath,${SNAS_TORCH_LIB:-/usr/lib/x86_64-linux-gnu})"]
  }]
}
