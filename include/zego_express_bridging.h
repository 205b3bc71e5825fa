/*
 * zego_express_bridging.h: Objective-C bridging header for an Xcode app target that calls the
 * C ABI from Swift without the module map (include/module.modulemap).
 *
 * Xcode build settings of the app target:
 *   SWIFT_OBJC_BRIDGING_HEADER = <repo>/include/zego_express_bridging.h
 *   HEADER_SEARCH_PATHS        = <repo>/include
 *   LIBRARY_SEARCH_PATHS       = <repo>/target/debug   (or target/release)
 *   OTHER_LDFLAGS              = -lzego_express
 *   LD_RUNPATH_SEARCH_PATHS    = <repo>/target/debug   (or embed the dylib in the app)
 *
 * The declarations of zego_express.h then live in the app module: no `import` is needed.
 * The Swift wrapper in examples-swift/Sources/ZegoExpress can be added to such a target as is
 * (it imports ZegoExpressC only `#if canImport(ZegoExpressC)`).
 */
#ifndef ZEGO_EXPRESS_BRIDGING_H
#define ZEGO_EXPRESS_BRIDGING_H

#include "zego_express.h"

#endif /* ZEGO_EXPRESS_BRIDGING_H */
