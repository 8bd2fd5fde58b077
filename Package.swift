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
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
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
        // The Store protocol and its SQLite conformer (GRDB).
        .target(
            name: "CordialStore",
            dependencies: [
                "CordialCore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Cordial",
            dependencies: ["LuaHost", "CordialCore", "CordialStore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "cordial",
            dependencies: [
                "Cordial", "CordialCore", "CordialStore", "LuaHost", "CLuaBench",
                .product(name: "Logging", package: "swift-log"),
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
            name: "CordialCoreTests",
            dependencies: ["CordialCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CordialStoreTests",
            dependencies: ["CordialStore", "CordialCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CordialTests",
            dependencies: ["Cordial", "CordialStore", "cordial"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
