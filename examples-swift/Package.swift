// swift-tools-version:5.7
// The Swift face of zego-express: the C module (ZegoExpressC), a thin wrapper with the shape of
// ZEGO Express's Swift API (ZegoExpress) and the seed's call flow (SeedFlow).
// Build the library first (`cargo build` at the repository root), then `swift build` here.
import PackageDescription

// Where libzego_express.so / .dylib is: $ZEGO_EXPRESS_LIB_DIR, else <repo>/target/debug.
let libDir = Context.environment["ZEGO_EXPRESS_LIB_DIR"] ?? Context.packageDirectory + "/../target/debug"
// The module map's `link "zego_express"` asks for -lzego_express; these tell the linker where it
// is and let the programs find it at run time without LD_LIBRARY_PATH / DYLD_LIBRARY_PATH.
let linkLibDir: [LinkerSetting] = [.unsafeFlags(["-L" + libDir, "-Xlinker", "-rpath", "-Xlinker", libDir])]

let package = Package(
    name: "ZegoExpress",
    products: [
        .library(name: "ZegoExpress", targets: ["ZegoExpress"]),
        .executable(name: "SeedFlow", targets: ["SeedFlow"]),
    ],
    targets: [
        .systemLibrary(name: "ZegoExpressC", path: "Sources/ZegoExpressC"),
        .target(name: "ZegoExpress", dependencies: ["ZegoExpressC"], linkerSettings: linkLibDir),
        .executableTarget(name: "SeedFlow", dependencies: ["ZegoExpress"], linkerSettings: linkLibDir),
    ]
)
