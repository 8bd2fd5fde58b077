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
        // The engine (with the embedded SQLite backend as its default store).
        .library(name: "Cordial", targets: ["Cordial"]),
        // The store protocols and value types, and each backend on its own, for embedders
        // that link only the store they use.
        .library(name: "CordialStore", targets: ["CordialStore", "CordialCore"]),
        .library(name: "CordialSQLite", targets: ["CordialSQLite"]),
        .library(name: "CordialPostgres", targets: ["CordialPostgres"]),
        .library(name: "LuaHost", targets: ["LuaHost"]),
        .executable(name: "cordial", targets: ["cordial"]),
        .executable(name: "cordial-bench", targets: ["cordial-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // The system Lua 5.4 library and a shim of static inline wrappers for its macros.
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // libcurl, through which letters are handed to an SMTP server (STARTTLS, TLS, login).
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // The host's own C: the guard, the counting allocator, the limit hook, the trampoline
        // for Swift functions and the sandbox's protected helpers.
        .target(name: "CLuaHost", dependencies: ["CLua", "CCustomerBlock"]),
        // The layout of a batch of customers as segment runs read them (the store writes it,
        // the Lua host reads it in C): one definition for both.
        .target(name: "CCustomerBlock"),
        // Plain C-API loops that `cordial-bench lua` measures the host against.
        .target(name: "CLuaBench", dependencies: ["CLua"]),
        .target(
            name: "LuaHost",
            dependencies: ["CLua", "CLuaHost", "CCustomerBlock"],
            swiftSettings: swiftSettings
        ),
        .target(name: "CordialCore", swiftSettings: swiftSettings),
        // The store protocols by role and their value types: no database code.
        .target(
            name: "CordialStore",
            dependencies: ["CordialCore", "CCustomerBlock", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The embedded default backend: SQLite through GRDB.
        .target(
            name: "CordialSQLite",
            dependencies: [
                "CordialCore", "CordialStore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The server backend: PostgreSQL through postgres-nio (a connection pool, COPY imports).
        .target(
            name: "CordialPostgres",
            dependencies: [
                "CordialCore", "CordialStore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Cordial",
            dependencies: [
                "LuaHost", "CordialCore", "CordialStore", "CordialSQLite", "CordialPostgres", "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "cordial",
            dependencies: [
                "Cordial", "CordialCore", "CordialStore", "LuaHost",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // The benchmarks of docs/benchmarks.md, apart from the product (`make bench`).
        .executableTarget(
            name: "cordial-bench",
            dependencies: [
                "Cordial", "CordialCore", "CordialStore", "LuaHost", "CLuaBench",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // The libFuzzer targets of `make fuzz` (docs/security.md), and the replay of their
        // corpora in the tests.
        .target(
            name: "CordialFuzz",
            dependencies: ["Cordial", "CordialCore", "CordialStore", "LuaHost", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // docs/embedding.md's example: an application that imports only `Cordial`, built with
        // the tests and run by them (EmbeddingExampleTests), so that it cannot rot.
        .executableTarget(
            name: "cordial-embedding-example",
            dependencies: ["Cordial"],
            path: "examples/embedding",
            exclude: ["data"]
        ),
        .executableTarget(
            name: "cordial-fuzz",
            dependencies: ["CordialFuzz"],
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
            resources: [.copy("published-calendars")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CordialStoreTests",
            dependencies: [
                "CordialStore", "CordialSQLite", "CordialPostgres", "CordialCore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CordialTests",
            dependencies: [
                "Cordial", "CordialStore", "CordialSQLite", "CordialPostgres", "CordialFuzz", "cordial", "cordial-embedding-example",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            resources: [.copy("hostile"), .copy("differential")],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
