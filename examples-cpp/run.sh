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
#   VIDEO_CALL_SECONDS    media seconds of video_call (default: 5)
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

# The call with media: video_call writes a PNG of a received frame and prints its stamp index;
# png_stamp_check decodes that PNG on its own and must read the same index from the pixels.
png="$build_dir/video_call.png"
video_log="$build_dir/video_call.log"
rm -f "$png"
step "run video_call"
if timeout "$run_timeout" "$build_dir/video_call" "${VIDEO_CALL_SECONDS:-5}" "$png" | tee "$video_log"; then
  echo "--- video_call: ok"
else
  code=$?
  echo "--- video_call: FAILED (exit code $code)" >&2
  exit "$code"
fi
index="$(sed -n 's/^ *png  *wrote .*stamp index \([0-9][0-9]*\)$/\1/p' "$video_log")"
if [ -z "$index" ]; then
  echo "--- video_call did not report the stamp index of its PNG" >&2
  exit 1
fi
run "$build_dir/png_stamp_check" "$png" 640 360 --index "$index"
# The checker must reject a damaged file (here: the last CRC byte changed).
step "png_stamp_check rejects a corrupted PNG"
bad="$build_dir/video_call.corrupt.png"
{ head -c -1 "$png"; printf '\000'; } >"$bad"
if "$build_dir/png_stamp_check" "$bad" 2>&1 | sed 's/^png_stamp_check: FAIL:/png_stamp_check (expected rejection):/'; [ "${PIPESTATUS[0]}" -eq 0 ]; then
  echo "--- png_stamp_check accepted a corrupted PNG" >&2
  exit 1
fi
echo "--- png_stamp_check: rejected it, ok"

# The header also promises C++14: build everything again in C++14 and run the wrapper checks.
build "$build_dir-cxx14" 14
run "$build_dir-cxx14/wrapper_double_include"

step "all C++ examples passed"
