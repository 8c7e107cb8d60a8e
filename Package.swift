// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "moments",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "moments-server", targets: ["moments-server"]),
        .executable(name: "moments-tui", targets: ["moments-tui"]),
        .executable(name: "moments-bench", targets: ["moments-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.6.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        // moments-tui's config.toml.
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        // Tests forge tokens with it (jwt-kit uses the same package).
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // Wire types shared by the server and every client.
        .target(name: "MomentsCore"),
        // The durable stream: both stores, the rules every write and read follows, group
        // commit, and the PostgreSQL feed that hands other nodes' commits to this one.
        .target(
            name: "MomentsStore",
            dependencies: [
                "MomentsCore",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The session cache and the stream core: committed events to live subscriptions, encoded
        // once. No HTTP, no SQL.
        .target(
            name: "MomentsPush",
            dependencies: [
                "MomentsCore", "MomentsStore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // Pictures from untrusted uploads: libvips (Debian's libvips-dev) behind a small C face,
        // since Swift cannot call its variadic functions.
        .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        .target(name: "CImaging", dependencies: ["CVips"]),
        .target(name: "MomentsImaging", dependencies: ["CImaging"]),
        // The node: HTTP routes, auth, protection, transports, observability, the web page.
        .target(
            name: "MomentsServer",
            dependencies: [
                "MomentsCore", "MomentsStore", "MomentsPush", "MomentsImaging",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "moments-server",
            dependencies: [
                "MomentsServer", "MomentsStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "MomentsClient",
            dependencies: [
                "MomentsCore",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "WSCore", package: "swift-websocket"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .systemLibrary(name: "CNCurses"),
        // Pictures in the terminal: Chafa (Debian's libchafa-dev) turns pixels into symbols.
        .systemLibrary(name: "CChafa", pkgConfig: "chafa", providers: [.apt(["libchafa-dev"])]),
        .target(
            name: "MomentsTUI",
            dependencies: [
                "MomentsCore", "MomentsClient", "CNCurses", "CChafa", "MomentsImaging",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "moments-tui",
            dependencies: [
                "MomentsTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // Load generator for scripts/bench: Moments or Nchan, WebSocket and long-poll subscribers.
        .executableTarget(
            name: "moments-bench",
            dependencies: [
                "MomentsImaging",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // posix_spawn's close-from action for the end-to-end tests' child processes.
        .target(name: "CTestSpawn", path: "Tests/CTestSpawn"),
        // What the test targets share: a real server on a free port, raw sockets and streams,
        // test certificates and databases, one failure type and one way to wait.
        .target(
            name: "MomentsTestSupport",
            dependencies: [
                "MomentsServer", "MomentsStore", "MomentsClient", "MomentsCore", "MomentsTUI", "CTestSpawn",
                "MomentsImaging",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "Tests/MomentsTestSupport"),
        .testTarget(name: "MomentsCoreTests", dependencies: ["MomentsCore"]),
        .testTarget(
            name: "MomentsServerTests",
            dependencies: [
                "MomentsServer", "MomentsStore", "MomentsPush", "MomentsClient", "MomentsTestSupport", "MomentsImaging",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "MomentsClientTests",
            dependencies: ["MomentsClient", "MomentsCore", "MomentsServer", "MomentsTestSupport"]
        ),
        // Drives the built executables (in tmux); declares them so `swift build --build-tests` builds them.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "MomentsClient", "MomentsCore", "MomentsServer", "MomentsTUI", "MomentsTestSupport", "MomentsImaging",
                "moments-server",
                "moments-tui",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The load generator's pure parts: frame scanning, tallies, the ladder's judgement.
        .testTarget(
            name: "MomentsBenchTests",
            dependencies: [
                "moments-bench",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "MomentsTUITests",
            dependencies: [
                "MomentsTUI", "MomentsClient", "MomentsCore", "MomentsTestSupport",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
    ]
)

// Coverage-guided fuzzing (scripts/fuzz, in a build folder of its own): MOMENTS_FUZZ names
// libFuzzer's archive without a main. Our modules are instrumented (coverage and
// AddressSanitizer); the libraries they use are not, which keeps the build short.
if let libFuzzer = Context.environment["MOMENTS_FUZZ"] {
    let instrumented: SwiftSetting = .unsafeFlags(["-sanitize=fuzzer,address", "-enable-testing"])
    for target in package.targets
    where ["MomentsCore", "MomentsStore", "MomentsPush", "MomentsServer", "MomentsTUI", "MomentsImaging"].contains(
        target.name)
    {
        target.swiftSettings = (target.swiftSettings ?? []) + [instrumented]
    }
    package.targets += [
        .systemLibrary(name: "CFuzzer", path: "Fuzz/CFuzzer"),
        .executableTarget(
            name: "moments-fuzz",
            dependencies: [
                "CFuzzer", "MomentsCore", "MomentsStore", "MomentsPush", "MomentsServer", "MomentsTUI",
                "MomentsImaging",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "Fuzz/moments-fuzz",
            swiftSettings: [instrumented],
            linkerSettings: [.unsafeFlags(["-sanitize=address", libFuzzer, "-lstdc++"])]),
    ]
}
