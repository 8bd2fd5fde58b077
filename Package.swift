// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Cordial",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Cordial", targets: ["Cordial"]),
        .library(name: "LuaHost", targets: ["LuaHost"]),
        .executable(name: "cordial", targets: ["cordial"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The system Lua 5.4 library and a shim of static inline wrappers for its macros,
        // the C trampoline for Swift functions, the limit hook and the counting allocator.
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // Plain C-API loops that `cordial bench lua` measures the host against.
        .target(name: "CLuaBench", dependencies: ["CLua"]),
        .target(
            name: "LuaHost",
            dependencies: ["CLua"],
            swiftSettings: swiftSettings
        ),
        .target(name: "CordialCore", swiftSettings: swiftSettings),
        .target(
            name: "Cordial",
            dependencies: ["LuaHost", "CordialCore"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "cordial",
            dependencies: [
                "Cordial", "LuaHost", "CLuaBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LuaHostTests",
            dependencies: ["LuaHost"],
            resources: [.copy("hostile")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CordialTests",
            dependencies: ["Cordial", "cordial"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
