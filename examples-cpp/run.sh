#!/usr/bin/env bash
# Builds the C++ examples with CMake and runs every program; stops at the first failure.
#
#   examples-cpp/run.sh            (from anywhere; CI calls it after `cargo build`)
#
# Environment:
#   ZEGO_EXPRESS_LIB_DIR  directory of libzego_express.so (default: <repo>/target/debug;
#                         `cargo build` is run first when the library is missing there)
#   BUILD_DIR             CMake build directory (default: examples-cpp/build)
#   ZEGO_SERVER           ws://host:port of an external zego-server; unset = embedded server
#   RUN_TIMEOUT           seconds each program may run (default: 120)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
lib_dir="${ZEGO_EXPRESS_LIB_DIR:-$repo/target/debug}"
build_dir="${BUILD_DIR:-$here/build}"
run_timeout="${RUN_TIMEOUT:-120}"

step() { printf '\n==> %s\n' "$*"; }

if [ ! -e "$lib_dir/libzego_express.so" ]; then
  step "libzego_express.so not in $lib_dir: cargo build"
  (cd "$repo" && cargo build)
fi

build() {  # build <dir> <c++ standard>
  step "cmake configure $1 (C++$2)"
  cmake -S "$here" -B "$1" -DZEGO_EXPRESS_LIB_DIR="$lib_dir" -DZEGO_CXX_STANDARD="$2"
  step "cmake build $1"
  cmake --build "$1" -j "$(nproc 2>/dev/null || echo 2)"
}

run() {  # run <program> [args...]
  step "run $(basename "$1")"
  if timeout "$run_timeout" "$@"; then
    echo "--- $(basename "$1"): ok"
  else
    code=$?
    echo "--- $(basename "$1"): FAILED (exit code $code)" >&2
    exit "$code"
  fi
}

build "$build_dir" 17
run "$build_dir/wrapper_double_include"
run "$build_dir/seed_flow"
run "$build_dir/room_demo"
run "$build_dir/room_demo_dlopen" "$lib_dir/libzego_express.so"

# The header also promises C++14: build everything again in C++14 and run the wrapper checks.
build "$build_dir-cxx14" 14
run "$build_dir-cxx14/wrapper_double_include"

step "all C++ examples passed"
