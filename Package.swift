// swift-tools-version:5.9
// workbench: a dataset pipeline, a conv/subsample-network trainer and an experiment workbench.
import PackageDescription

let package = Package(
    name: "workbench",
    products: [
        .executable(name: "workbench", targets: ["workbench"]),
        .library(name: "WorkbenchData", targets: ["WorkbenchData"]),
        .library(name: "WorkbenchModel", targets: ["WorkbenchModel"]),
        .library(name: "WorkbenchExperiments", targets: ["WorkbenchExperiments"]),
    ],
    targets: [
        // C libraries from Debian, wrapped once each.
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1",
                       providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        // libpng reports errors by longjmp; this tiny C target calls it under setjmp and returns a status.
        .target(name: "CPNGShim", dependencies: ["CPNG"], path: "Sources/CPNGShim"),

        // Seeded random streams shared by the data pipeline and the model.
        .target(name: "WorkbenchRandom", path: "Sources/Random"),
        .target(name: "WorkbenchData", dependencies: ["WorkbenchRandom", "CZlib", "CPNGShim"],
                path: "Sources/Data"),
        .target(name: "WorkbenchModel", dependencies: ["WorkbenchRandom", "COpenBLAS"],
                path: "Sources/Model"),
        .target(name: "WorkbenchExperiments",
                dependencies: ["WorkbenchData", "WorkbenchModel", "WorkbenchRandom", "CYAML"],
                path: "Sources/Experiments"),
        .executableTarget(name: "workbench", dependencies: ["WorkbenchExperiments"],
                          path: "Sources/workbench"),
        // Data-pipeline benchmark (prints figures; see benchmarks/RESULTS.md).
        .executableTarget(name: "workbench-data-bench", dependencies: ["WorkbenchData"],
                          path: "Benchmarks/DataBench"),

        .testTarget(name: "WorkbenchRandomTests", dependencies: ["WorkbenchRandom"],
                    path: "Tests/RandomTests"),
        .testTarget(name: "WorkbenchDataTests", dependencies: ["WorkbenchData"],
                    path: "Tests/DataTests"),
        .testTarget(name: "WorkbenchModelTests", dependencies: ["WorkbenchModel"],
                    path: "Tests/ModelTests"),
        .testTarget(name: "WorkbenchExperimentsTests", dependencies: ["WorkbenchExperiments"],
                    path: "Tests/ExperimentsTests"),
        // End-to-end tests of the built `workbench` binary.
        .testTarget(name: "WorkbenchTests", dependencies: ["workbench"], path: "Tests/WorkbenchTests"),
    ]
)
