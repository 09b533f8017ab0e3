// swift-tools-version:6.0
//
// Vigil: disease-detection specialist models on one tensor core.
// Data flows one way: formats → preprocessing → detector (on TensorCore) → finding → store → uses.
import PackageDescription

let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigil", targets: ["vigil"]),
        .library(name: "TensorCore", targets: ["TensorCore"]),
        .library(name: "ONNXEngine", targets: ["ONNXEngine"]),
        .library(name: "DetectorKit", targets: ["DetectorKit"]),
        .library(name: "Explainer", targets: ["Explainer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // MARK: C libraries (system packages, installed by .ci/run)
        .systemLibrary(
            name: "COpenBLAS",
            path: "Sources/COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CCrypto",
            path: "Sources/CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CPNG",
            path: "Sources/CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        .systemLibrary(
            name: "COpenJPEG",
            path: "Sources/COpenJPEG",
            pkgConfig: "libopenjp2",
            providers: [.apt(["libopenjp2-7-dev"])]
        ),

        // MARK: Content hashing (SHA-256 of model weights, on CCrypto)
        .target(name: "ContentHash", dependencies: ["CCrypto"]),

        // MARK: Tensor core
        .target(
            name: "TensorCore",
            dependencies: ["COpenBLAS"]
        ),

        // MARK: ONNX models on the tensor core
        .target(
            name: "ONNXProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .target(
            name: "ONNXEngine",
            dependencies: ["TensorCore", "ONNXProto"]
        ),

        // MARK: Medical image formats (DICOM Part 10 parser; CT volumes from DICOM and PNG)
        .target(name: "DICOM"),
        .target(name: "ImagingFormats", dependencies: ["DICOM", "CPNG", "COpenJPEG"]),

        // MARK: ECG formats (WFDB, CSV, GE MUSE XML, HL7 aECG) → ECGRecord
        .target(name: "ECGFormats", dependencies: ["DICOM"]),

        // MARK: ECG signal processing (filters, resampling, QRS detection, measurements, quality) on [Float] leads
        .target(name: "ECGSignal"),

        // MARK: The detector plug-in contract
        .target(name: "DetectorKit", dependencies: ["ContentHash"]),

        // MARK: The detectors Vigil ships, assembled into one registry
        .target(name: "DetectorCatalog", dependencies: ["DetectorKit"]),

        // MARK: Explanations of findings (template / OpenAI-compatible backends, claim checker)
        .target(name: "Explainer", dependencies: ["DetectorKit", "ContentHash"]),

        // MARK: Findings store (inputs, runs, findings, worklist, audit log; SQLite via GRDB)
        .target(
            name: "FindingsStore",
            dependencies: ["DetectorKit", "ContentHash", .product(name: "GRDB", package: "GRDB.swift")]
        ),

        // MARK: Benchmarks (library so the CLI stays a thin shell)
        .target(name: "VigilBench", dependencies: ["TensorCore", "ONNXEngine"]),

        // MARK: Command-line interface
        .executableTarget(
            name: "vigil",
            dependencies: [
                "TensorCore", "ONNXEngine", "DetectorKit", "DetectorCatalog", "VigilBench", "Explainer", "ImagingFormats", "ECGFormats",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: Tests (mirror Sources)
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"], exclude: ["Fixtures"]),
        .testTarget(name: "ONNXEngineTests", dependencies: ["ONNXEngine", "TensorCore", "VigilBench"], exclude: ["Fixtures"]),
        .testTarget(name: "DetectorKitTests", dependencies: ["DetectorKit"], exclude: ["Golden"]),
        .testTarget(name: "ExplainerTests", dependencies: ["Explainer", "DetectorKit"], exclude: ["Fixtures"]),
        .testTarget(name: "ContentHashTests", dependencies: ["ContentHash"]),
        .testTarget(name: "DICOMTests", dependencies: ["DICOM"], exclude: ["Fixtures"]),
        .testTarget(name: "ImagingFormatsTests", dependencies: ["ImagingFormats", "DICOM"], exclude: ["Fixtures"]),
        .testTarget(name: "ECGFormatsTests", dependencies: ["ECGFormats"], exclude: ["Fixtures"]),
        .testTarget(name: "ECGSignalTests", dependencies: ["ECGSignal"], exclude: ["Fixtures"]),
        .testTarget(name: "FindingsStoreTests", dependencies: ["FindingsStore", "DetectorKit"]),
    ]
)
