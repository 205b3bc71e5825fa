// checks.h: a tiny check counter shared by the two translation units of wrapper_double_include.
#ifndef ZEGO_EXAMPLES_DOUBLE_INCLUDE_CHECKS_H
#define ZEGO_EXAMPLES_DOUBLE_INCLUDE_CHECKS_H

#include <cstdio>
#include <string>

struct Checks {
    int passed = 0;
    int failed = 0;

    void check(bool ok, const std::string &what) {
        std::printf("%s %s\n", ok ? "  ok  " : "  FAIL", what.c_str());
        std::fflush(stdout);
        (ok ? passed : failed) += 1;
    }
};

// double_include_a.cc: wrapper behaviour that needs no server (argument errors, presets,
// onDebugError, per-call callbacks on synchronous errors, several engines, getEngine).
void runOfflineChecks(Checks &checks);

#endif
