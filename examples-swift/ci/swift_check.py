#!/usr/bin/env python3
"""Checks for the Swift face of zego-express that need no Swift toolchain (run by check.sh).

  swift_check.py uses   --ast C.json --swift DIR --c-check FILE --enum-out FILE
      Lists every C declaration the Swift wrapper uses (zego_* names and `.snake_case` struct
      fields), fails if the header does not declare one or the C check file does not use it, and
      writes static asserts comparing each Swift enum case with the header's constant.

  swift_check.py header --header H --ast-c C.json --ast-objc OBJC.json --ast-cxx CXX.json
      Looks for constructs Swift's Clang importer rejects or imports badly, in the three modes
      Swift reads a C header in: C (Linux), Objective-C (Apple platforms), C++ (C++ interop).

The ASTs are `clang -Xclang -ast-dump=json -fsyntax-only` of include/zego_express.h.
Exit status 1 when something FAILs; WARN lines explain, they do not fail.
"""

import argparse
import json
import os
import re
import sys

# ---------------------------------------------------------------------------------------------
# The header as clang sees it


def top_level(ast):
    """The translation unit's declarations, with those inside `extern "C" { }` (C++) lifted out."""
    for node in ast.get("inner", []):
        if node["kind"] == "LinkageSpecDecl":
            yield from node.get("inner", [])
        else:
            yield node


class Header:
    """The zego_* declarations of one clang JSON AST."""

    def __init__(self, path):
        with open(path) as f:
            ast = json.load(f)
        self.functions = {}  # name -> FunctionDecl
        self.typedefs = {}  # name -> TypedefDecl
        self.records = {}  # tag -> RecordDecl (complete or opaque)
        self.enums = {}  # tag -> EnumDecl
        self.constants = {}  # enum constant -> enum tag
        self.fields = {}  # field name -> [record tags]
        for node in top_level(ast):
            name = node.get("name", "")
            if not name.startswith("zego_"):
                continue
            kind = node["kind"]
            if kind == "FunctionDecl":
                self.functions[name] = node
            elif kind == "TypedefDecl":
                self.typedefs[name] = node
            elif kind == "RecordDecl":
                # keep the definition over a forward declaration
                if name not in self.records or node.get("completeDefinition"):
                    self.records[name] = node
                for child in node.get("inner", []):
                    if child["kind"] == "FieldDecl" and "name" in child:
                        self.fields.setdefault(child["name"], []).append(name)
            elif kind == "EnumDecl":
                self.enums[name] = node
                for child in node.get("inner", []):
                    if child["kind"] == "EnumConstantDecl":
                        self.constants[child["name"]] = name

    def kind_of(self, name):
        if name in self.functions:
            return "function"
        if name in self.constants:
            return "enum constant"
        if name in self.records:
            return "struct"
        if name in self.enums:
            return "enum"
        if name in self.typedefs:
            t = self.typedefs[name]["type"]["qualType"]
            return "callback typedef" if "(*)" in t else "typedef"
        return None


# ---------------------------------------------------------------------------------------------
# What the Swift sources use


def strip_swift_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def strip_c_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def swift_files(directory):
    for root, _, files in sorted(os.walk(directory)):
        for name in sorted(files):
            if name.endswith(".swift"):
                yield os.path.join(root, name)


def snake(camel):
    """ZegoRoomStateChangedReason -> zego_room_state_changed_reason, invalidID -> invalid_id."""
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", camel)
    s = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", "_", s)
    return s.lower()


def swift_enums(text):
    """[(EnumName, [(case, value)])] of `public enum X: UInt { case a = 0 ... }`."""
    result = []
    for m in re.finditer(r"public enum (\w+): UInt \{(.*?)\n\}", text, flags=re.S):
        cases = re.findall(r"case\s+`?(\w+)`?\s*=\s*(\d+)", m.group(2))
        result.append((m.group(1), [(c, int(v)) for c, v in cases]))
    return result


def cmd_uses(args):
    header = Header(args.ast)
    failures = []
    names = {}  # C name -> first Swift file using it
    fields = {}  # field -> first Swift file
    enum_text = ""
    for path in swift_files(args.swift):
        rel = os.path.relpath(path, os.path.dirname(os.path.abspath(args.swift)))
        text = strip_swift_comments(open(path).read())
        in_wrapper = os.sep + "ZegoExpress" + os.sep in path
        used = set(re.findall(r"\bzego_\w+", text))
        # C struct fields: snake_case members, and any member of a variable named `c` (the wrapper
        # always names the C struct it converts `c`, see Models.swift).
        used_fields = set(re.findall(r"\.([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b", text))
        used_fields |= set(re.findall(r"\bc\.([A-Za-z_]\w*)", text))
        if not in_wrapper:
            # The example program must go through the wrapper only.
            if used or re.search(r"^\s*import\s+ZegoExpressC\b", text, flags=re.M):
                failures.append(f"{rel} uses the C module directly: only Sources/ZegoExpress may")
            continue
        for n in used:
            names.setdefault(n, rel)
        for n in used_fields:
            fields.setdefault(n, rel)
        enum_text += text + "\n"

    c_text = strip_c_comments(open(args.c_check).read())
    c_tokens = set(re.findall(r"\b\w+\b", c_text))
    c_fields = set(re.findall(r"(?:\.|->)\s*([A-Za-z_]\w*)", c_text))
    c_fields |= {f for _, f in re.findall(r"\bFIELD\(\s*(\w+)\s*,\s*(\w+)\s*\)", c_text)}

    by_kind = {}
    for n in sorted(names):
        kind = header.kind_of(n)
        if kind is None:
            failures.append(f"{names[n]} uses {n}, which include/zego_express.h does not declare")
            continue
        by_kind.setdefault(kind, []).append(n)
        if n not in c_tokens:
            failures.append(f"{names[n]} uses {kind} {n}, which {os.path.basename(args.c_check)} does not exercise")
    for n in sorted(fields):
        owners = header.fields.get(n)
        if not owners:
            failures.append(f"{fields[n]} uses field .{n}, which no struct of include/zego_express.h has")
            continue
        by_kind.setdefault("struct field", []).append(f"{n} ({'/'.join(sorted(set(owners)))})")
        if n not in c_fields:
            failures.append(f"{fields[n]} uses field .{n}, which {os.path.basename(args.c_check)} does not exercise")

    # Swift enum cases against the header's constants, as static asserts compiled by check.sh.
    asserts = []
    unchecked = []
    warnings = []
    for enum, cases in swift_enums(enum_text):
        tag = snake(enum)
        if tag not in header.enums:
            unchecked.append(enum)
            continue
        covered = set()
        for case, value in cases:
            base = f"{tag}_{snake(case)}"
            constant = next((c for c in (base, base + "_") if header.constants.get(c) == tag), None)
            if constant is None:
                failures.append(f"{enum}.{case}: the header's enum {tag} has no {base}")
                continue
            covered.add(constant)
            asserts.append(f'ZEGO_SWIFT_ENUM_VALUE({constant}, {value}, "{enum}.{case} = {value}")')
        for constant, owner in sorted(header.constants.items()):
            if owner == tag and constant not in covered:
                warnings.append(f"{enum} has no case for {constant}: events with that value are dropped")
        by_kind.setdefault("enum (values asserted)", []).append(f"{tag} ({len(cases)} cases)")
    with open(args.enum_out, "w") as out:
        out.write("/* Generated by examples-swift/ci/swift_check.py: Swift enum raw values = C constants. */\n")
        out.write("\n".join(asserts) + "\n")

    print("C declarations the Swift wrapper (Sources/ZegoExpress) relies on:")
    for kind, label in [("function", "functions"), ("callback typedef", "callback typedefs"),
                        ("typedef", "typedefs"), ("struct", "structs"), ("struct field", "struct fields"),
                        ("enum constant", "enum constants"), ("enum (values asserted)", "enums (values asserted)")]:
        items = by_kind.get(kind, [])
        if items:
            print(f"  {label} ({len(items)}): {', '.join(items)}")
    if unchecked:
        print(f"  Swift enums with no C enum in the header (values not checkable): {', '.join(unchecked)}")
    total = len(names) + len(fields)
    for w in warnings:
        print(f"WARN {w}")
    if failures:
        for f in failures:
            print(f"FAIL {f}")
        return 1
    print(f"ok   all {total} names and fields are declared by the header and exercised by "
          f"{os.path.basename(args.c_check)}; {len(asserts)} enum values to assert")
    return 0


# ---------------------------------------------------------------------------------------------
# Swift importer checks on the header

SWIFT_KEYWORDS = set("""associatedtype class deinit enum extension fileprivate func import init inout
internal let open operator private precedencegroup protocol public rethrows static struct subscript
typealias var break case catch continue default defer do else fallthrough for guard if in repeat return
throw switch where while Any as await false is nil self Self super throws true try _""".split())


def walk(node, parents=()):
    yield node, parents
    for child in node.get("inner", []):
        yield from walk(child, parents + (node,))


def pointer_count(qual_type):
    return qual_type.count("*")


def has_nullability(qual_type):
    return any(k in qual_type for k in ("_Nullable", "_Nonnull", "_Null_unspecified"))


def enum_verdict(header, tag, mode):
    node = header.enums[tag]
    fixed = node.get("fixedUnderlyingType", {}).get("qualType")
    typedef = header.typedefs.get(tag)
    typedef_type = typedef["type"]["qualType"] if typedef else None
    values = []
    for child in node.get("inner", []):
        if child["kind"] == "EnumConstantDecl":
            for sub, _ in walk(child):
                if sub["kind"] == "ConstantExpr" and "value" in sub:
                    values.append(int(sub["value"]))
                    break
    negative = any(v < 0 for v in values)
    if fixed and (typedef is None or typedef_type == f"enum {tag}"):
        return "ok", (f"{mode}: enum {tag} : {fixed}; Swift imports struct {tag} (RawRepresentable, "
                      f"rawValue of {fixed}) and its constants as values of it")
    raw = "Int32" if negative else "UInt32 on Linux and Apple platforms (Int32 on Windows)"
    return "warn", (f"{mode}: enum {tag} has no fixed underlying type (cbindgen emits `: {typedef_type}` only for "
                    f"C++ and C23) and the name {tag} is a typedef of {typedef_type}: in Swift {tag} is Int32; the "
                    f"enumerators are still imported, as values of the enum's own RawRepresentable struct (whose "
                    f"name the typedef takes) with a rawValue of {raw}, so Int32({tag}_x.rawValue) is the C value; "
                    f"the wrapper does not use them (its Swift enums' values are asserted against them)")


def cmd_header(args):
    header_text = open(args.header).read()
    fails, warns, oks = [], [], []
    modes = [("C", args.ast_c), ("Objective-C", args.ast_objc), ("C++", args.ast_cxx)]
    enum_lines = {}
    for mode, path in modes:
        header = Header(path)
        with open(path) as f:
            ast = json.load(f)
        decls = [n for n in top_level(ast) if n.get("name", "").startswith("zego_")]
        bitfields, anonymous, unions, unnamed, variadic, bad_types = [], [], [], [], [], []
        for decl in decls:
            for node, parents in walk(decl):
                where = decl["name"]
                if node["kind"] == "FieldDecl":
                    t = node.get("type", {}).get("qualType", "")
                    if node.get("isBitfield"):
                        bitfields.append(f"{where}.{node.get('name', '?')}")
                    if node.get("isImplicit") and "(anonymous" in t:
                        anonymous.append(f"{where}: {t}")
                    elif "(unnamed" in t:
                        unnamed.append(f"{where}.{node.get('name', '?')}")
                if node["kind"] == "RecordDecl" and node.get("tagUsed") == "union":
                    unions.append(where)
                if node["kind"] == "FunctionDecl" and node.get("variadic"):
                    variadic.append(where)
                t = node.get("type", {}).get("qualType", "")
                if re.search(r"long double|_Complex|__int128|__attribute__\(\(vector|\[\]", t):
                    bad_types.append(f"{where}: {t}")
        if bitfields:
            fails.append(f"{mode}: bitfields in public structs: {', '.join(sorted(set(bitfields)))}")
        if anonymous:
            fails.append(f"{mode}: anonymous struct/union members: {', '.join(sorted(set(anonymous)))}")
        if unnamed:
            warns.append(f"{mode}: fields of unnamed struct/union type (Swift invents a name): {', '.join(sorted(set(unnamed)))}")
        if unions:
            warns.append(f"{mode}: unions (imported as structs with overlapping properties): {', '.join(sorted(set(unions)))}")
        if variadic:
            fails.append(f"{mode}: variadic functions (Swift cannot call them): {', '.join(sorted(set(variadic)))}")
        if bad_types:
            fails.append(f"{mode}: types Swift does not import: {', '.join(sorted(set(bad_types)))}")
        for tag in sorted(header.enums):
            verdict, text = enum_verdict(header, tag, mode)
            enum_lines.setdefault((verdict, mode), []).append((tag, text))
        if mode == "C":
            c_header = header

    # Enums: one line per mode and verdict, with one example.
    for (verdict, mode), items in sorted(enum_lines.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        tags = [t for t, _ in items]
        line = f"{items[0][1]} (same for {len(tags)} enums: {', '.join(tags)})" if len(tags) > 1 else items[0][1]
        (oks if verdict == "ok" else warns).append(line)

    # Nullability (from the C view; the three modes agree).
    header = c_header
    unannotated = 0
    for decl in list(header.functions.values()) + list(header.typedefs.values()) + list(header.records.values()):
        for node, _ in walk(decl):
            if node["kind"] in ("FunctionDecl", "ParmVarDecl", "FieldDecl", "TypedefDecl"):
                t = node.get("type", {}).get("qualType", "")
                if "*" in t and not has_nullability(t):
                    unannotated += 1
    nullable_returns = []
    for name, node in sorted(header.functions.items()):
        ret = node["type"]["qualType"].split("(")[0]
        if "*" not in ret or has_nullability(ret):
            continue
        m = re.search(r"/\*((?:(?!\*/).)*?)\*/\s*(?:[\w\s\*]*?)\b" + re.escape(name) + r"\(", header_text, flags=re.S)
        if m and "NULL" in m.group(1):
            nullable_returns.append(name)
    if unannotated:
        warns.append(f"no nullability annotations ({unannotated} declarations with pointers): Swift imports "
                     f"pointers as implicitly unwrapped optionals (T!) in functions and struct fields and as "
                     f"optionals (T?) inside callback types; the wrapper treats every pointer as optional")
    if nullable_returns:
        warns.append(f"where nullability matters: {', '.join(nullable_returns)} return NULL in documented cases "
                     f"but import as non-optional-looking T!; Swift code that uses the result directly "
                     f"(String(cString:)) crashes then. The wrapper checks for nil")

    # Names: keywords among struct fields, one Swift namespace for tags, typedefs and functions.
    keyword_fields = sorted({f"{r}.{f}" for f, rs in header.fields.items() if f in SWIFT_KEYWORDS for r in rs})
    if keyword_fields:
        warns.append(f"struct fields named like Swift keywords (need backticks): {', '.join(keyword_fields)}")
    collisions = sorted(set(header.functions) & (set(header.typedefs) | set(header.records) | set(header.enums)))
    if collisions:
        warns.append(f"functions named like types (one namespace in Swift): {', '.join(collisions)}")
    opaque = sorted(t for t, n in header.records.items() if not n.get("completeDefinition"))
    if opaque:
        oks.append(f"opaque handles {', '.join(opaque)} import as OpaquePointer (Swift does not tell them apart)")
    macros = re.findall(r"^\s*#\s*define\s+(\w+)(\()?", header_text, flags=re.M)
    function_macros = [name for name, paren in macros if paren]
    if function_macros:
        warns.append(f"function-like macros (not imported): {', '.join(function_macros)}")
    arrays = sorted({f"{r}.{c['name']}" for r, n in header.records.items() for c in n.get("inner", [])
                     if c["kind"] == "FieldDecl" and re.search(r"\[\d+\]", c["type"]["qualType"])})
    if arrays:
        oks.append(f"fixed-size array fields import as tuples: {', '.join(arrays)}")
    if not fails:
        oks.append("no bitfields, anonymous unions/structs, variadic functions or unimportable types "
                   "(C, Objective-C, C++)")

    for line in oks:
        print(f"ok   {line}")
    for line in warns:
        print(f"WARN {line}")
    for line in fails:
        print(f"FAIL {line}")
    print(f"Swift importer check: {len(fails)} failing, {len(warns)} warnings")
    return 1 if fails else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    uses = sub.add_parser("uses")
    uses.add_argument("--ast", required=True)
    uses.add_argument("--swift", required=True)
    uses.add_argument("--c-check", required=True)
    uses.add_argument("--enum-out", required=True)
    hdr = sub.add_parser("header")
    hdr.add_argument("--header", required=True)
    hdr.add_argument("--ast-c", required=True)
    hdr.add_argument("--ast-objc", required=True)
    hdr.add_argument("--ast-cxx", required=True)
    args = parser.parse_args()
    return cmd_uses(args) if args.command == "uses" else cmd_header(args)


if __name__ == "__main__":
    sys.exit(main())
