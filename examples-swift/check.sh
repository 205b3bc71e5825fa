#!/usr/bin/env bash
# What CI can prove about the Swift face of zego-express on a machine without a Swift toolchain
# (scripts/test runs it; it needs clang and python3, and builds the library if it is missing):
#
#  (a) clang imports the C module ZegoExpressC, through include/module.modulemap and through the
#      SwiftPM package's Sources/ZegoExpressC/module.modulemap, and compiles ci/c_api_check.c
#      (-Wall -Wextra -Wpedantic -Werror) as C and as Objective-C (`@import ZegoExpressC;`); that
#      file uses every C declaration the Swift wrapper uses, and ci/swift_check.py fails if the
#      Swift sources use a zego_* name or struct field the header lacks or that file does not
#      exercise. Every Swift enum raw value is asserted equal to the header's constant, in C,
#      Objective-C and C++. The bridging header compiles in Objective-C.
#  (b) the C check is linked against libzego_express and run: embedded server, engine, every
#      callback registered with a user_context, login until LOGINED, destroy.
#  (c) the header is searched for constructs Swift's Clang importer rejects or imports badly.
#
# The Swift sources are parsed with tree-sitter's Swift grammar (a syntax check, installed from
# PyPI into target/swift-syntax-venv) and compiled only where `swift` is installed (then
# `swift build` and the SeedFlow program run too). Output ends with "swift-check: PASS" or FAIL.
#
# Environment: ZEGO_EXPRESS_LIB_DIR (default <repo>/target/debug), CC (default clang).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
lib_dir="${ZEGO_EXPRESS_LIB_DIR:-$repo/target/debug}"
cc="${CC:-clang}"
header="$repo/include/zego_express.h"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

step() { printf '\n==> %s\n' "$*"; }
fail() { echo "swift-check: FAIL ($*)" >&2; exit 1; }

command -v "$cc" >/dev/null 2>&1 || bash "$repo/scripts/deps"
command -v "$cc" >/dev/null 2>&1 || fail "$cc not found"
command -v python3 >/dev/null 2>&1 || fail "python3 not found"
if [ ! -e "$lib_dir/libzego_express.so" ] && [ ! -e "$lib_dir/libzego_express.dylib" ]; then
  step "libzego_express not in $lib_dir: cargo build"
  (cd "$repo" && cargo build)
fi

warn_flags=(-Wall -Wextra -Wpedantic -Werror)
module_maps=("$repo/include/module.modulemap" "$here/Sources/ZegoExpressC/module.modulemap")

step "clang's view of include/zego_express.h as Swift's importer parses it (C, Objective-C, C++)"
"$cc" --version | head -n 1
# Swift's Clang importer defines __swift__ (its version) when it builds a C module.
swift_view=(-D__swift__=50900 -fsyntax-only -Xclang -ast-dump=json)
"$cc" -x c -std=gnu11 "${swift_view[@]}" "$header" >"$work/ast-c.json"
"$cc" -x objective-c -std=gnu11 "${swift_view[@]}" "$header" >"$work/ast-objc.json"
"$cc" -x c++ -std=c++17 "${swift_view[@]}" "$header" >"$work/ast-cxx.json"
echo "ok   AST dumps written"

step "(a) the C declarations the Swift wrapper uses"
python3 "$here/ci/swift_check.py" uses --ast "$work/ast-c.json" --swift "$here/Sources" \
  --c-check "$here/ci/c_api_check.c" --enum-out "$work/swift_enum_values.h" ||
  fail "the Swift sources and the C header or ci/c_api_check.c disagree"

step "(a) import the module and compile ci/c_api_check.c"
n=0
for map in "${module_maps[@]}"; do
  n=$((n + 1))
  common=(-fmodules -fno-implicit-module-maps -fmodule-map-file="$map" -fmodules-cache-path="$work/modules-$n"
          -I "$repo/include" -I "$work")
  # C (Swift on Linux reads C modules as C): the #include must become a module import.
  "$cc" -x c -std=gnu11 "${warn_flags[@]}" "${common[@]}" -Rmodule-import -c "$here/ci/c_api_check.c" \
    -o "$work/c_api_check-$n.o" 2>"$work/remarks-$n.txt" || { cat "$work/remarks-$n.txt"; fail "C compile with $map"; }
  grep -q "importing module 'ZegoExpressC'" "$work/remarks-$n.txt" || { cat "$work/remarks-$n.txt"; fail "#include was not a module import ($map)"; }
  echo "ok   C (gnu11): #include \"zego_express.h\" imported module ZegoExpressC from ${map#"$repo"/}"
  # Objective-C (Swift on Apple platforms reads C modules as Objective-C): @import.
  "$cc" -x objective-c -std=gnu11 "${warn_flags[@]}" "${common[@]}" -fsyntax-only "$here/ci/c_api_check.c" ||
    fail "Objective-C compile with $map"
  echo "ok   Objective-C: @import ZegoExpressC; compiled"
  # As Swift imports it: the module by name, given only the module map (no -I include, implicit
  # module maps on), with the importer's __swift__ config macro; C on Linux, Objective-C on Apple.
  as_swift=(-fmodules -fmodule-map-file="$map" -fmodules-cache-path="$work/modules-swift-$n" -I "$work"
            -D__swift__=50900 -Wall -Wextra -Werror -fsyntax-only)
  "$cc" -x c -std=gnu11 -DZEGO_CHECK_IMPORT_BY_NAME "${as_swift[@]}" "$here/ci/c_api_check.c" ||
    fail "C import by name with __swift__ defined, $map"
  "$cc" -x objective-c -std=gnu11 "${as_swift[@]}" "$here/ci/c_api_check.c" ||
    fail "Objective-C import by name with __swift__ defined, $map"
  echo "ok   C and Objective-C, as Swift imports it: import by module name, -D__swift__, only the module map"
  # C++ (Swift's C++ interoperability mode): the module and the enum values.
  printf '#include "zego_express.h"\n#define ZEGO_SWIFT_ENUM_VALUE(c, v, text) static_assert((c) == (v), text);\n#include "swift_enum_values.h"\nint main() { return 0; }\n' \
    >"$work/enum_values.cc"
  "$cc" -x c++ -std=c++17 "${warn_flags[@]}" "${common[@]}" -fsyntax-only "$work/enum_values.cc" ||
    fail "C++ compile with $map"
  echo "ok   C++17: module imported, enum values asserted"
done
# The bridging header, as Xcode compiles it (Objective-C, no modules).
echo 'int main(void) { return zego_get_version() == 0; }' >"$work/bridging.m"
"$cc" -x objective-c "${warn_flags[@]}" -I "$repo/include" -include "$repo/include/zego_express_bridging.h" \
  -fsyntax-only "$work/bridging.m" || fail "bridging header"
echo "ok   include/zego_express_bridging.h compiles as an Objective-C bridging header"

step "(b) run ci/c_api_check against $lib_dir"
"$cc" "$work/c_api_check-1.o" -o "$work/c_api_check" -L "$lib_dir" -lzego_express -Wl,-rpath,"$lib_dir" -pthread
timeout 120 "$work/c_api_check" || fail "ci/c_api_check at run time"

step "(c) constructs Swift's importer rejects or imports badly"
python3 "$here/ci/swift_check.py" header --header "$header" --ast-c "$work/ast-c.json" \
  --ast-objc "$work/ast-objc.json" --ast-cxx "$work/ast-cxx.json" || fail "the header has constructs Swift rejects"

step "the Swift sources"
# A syntax check without a toolchain: tree-sitter's Swift grammar, from PyPI into a venv kept in
# target/ (skipped, with a note, when it cannot be installed).
venv="$repo/target/swift-syntax-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import tree_sitter, tree_sitter_swift' 2>/dev/null; then
  rm -rf "$venv"
  { python3 -m venv "$venv" && "$venv/bin/pip" install -q --timeout 20 --retries 1 'tree-sitter==0.26.1' 'tree-sitter-swift==0.7.4'; } \
    >"$work/venv.log" 2>&1 || { rm -rf "$venv"; echo "NOTE tree-sitter-swift could not be installed: no syntax check"; }
fi
if [ -x "$venv/bin/python" ]; then
  swift_sources=("$here/Package.swift")
  while IFS= read -r f; do swift_sources+=("$f"); done < <(find "$here/Sources" -name '*.swift' | sort)
  "$venv/bin/python" "$here/ci/swift_syntax.py" "${swift_sources[@]}" || fail "Swift syntax errors"
fi
if command -v swift >/dev/null 2>&1; then
  (cd "$here" && ZEGO_EXPRESS_LIB_DIR="$lib_dir" swift build) || fail "swift build"
  (cd "$here" && ZEGO_EXPRESS_LIB_DIR="$lib_dir" timeout 120 swift run SeedFlow) || fail "SeedFlow"
  echo "ok   swift build and SeedFlow"
else
  echo "NOTE no Swift toolchain here: Sources/ZegoExpress and Sources/SeedFlow were NOT compiled"
  echo "     (only parsed, above); what they rely on in C was checked in (a), (b) and (c)"
fi

echo
echo "swift-check: PASS"
