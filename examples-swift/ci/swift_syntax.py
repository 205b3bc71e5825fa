#!/usr/bin/env python3
"""Parses Swift files with tree-sitter's Swift grammar and reports syntax errors (a syntax check
only: no types, no name resolution). Usage: swift_syntax.py FILE.swift...  Exit 1 on an error."""

import sys

import tree_sitter
import tree_sitter_swift


def errors(node):
    if node.type == "ERROR" or node.is_missing:
        yield node
        return
    for child in node.children:
        yield from errors(child)


def main(paths):
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))
    count = 0
    for path in paths:
        source = open(path, "rb").read()
        lines = source.decode("utf-8").splitlines()
        for node in errors(parser.parse(source).root_node):
            count += 1
            row, col = node.start_point
            what = f"missing {node.type}" if node.is_missing else "syntax error"
            print(f"FAIL {path}:{row + 1}:{col + 1}: {what}: {lines[row].strip()[:100]}")
    print(f"{'ok  ' if count == 0 else 'FAIL'} {len(paths)} Swift files parsed, {count} syntax errors")
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
