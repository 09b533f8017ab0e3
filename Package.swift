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

        // MARK: The built-in input kinds (ECGRecord, CTStudy) as DetectorKit inputs
        .target(name: "DetectorInputs", dependencies: ["DetectorKit", "ECGFormats", "ImagingFormats"]),

        // MARK: Pictures (PNG writing, raster drawing) shared by the ECG plot and the CT overlays
        .target(name: "Rendering", dependencies: ["CPNG"]),

        // MARK: Synthetic data generators shared by tests, benchmarks, batch runs and training
        .target(name: "ECGSynth", dependencies: ["ECGFormats"]),
        .target(name: "CTSynth", dependencies: ["ImagingFormats", "Rendering", "DICOM"]),

        // MARK: The ECG detectors (rhythm rules from measurements; CNN findings from an ONNX model + card)
        .target(
            name: "ECGDetectors",
            dependencies: ["DetectorKit", "DetectorInputs", "ECGFormats", "ECGSignal", "ONNXEngine", "TensorCore", "ContentHash"]
        ),
        // MARK: The standard 12-lead ECG plot
        .target(name: "ECGPlot", dependencies: ["Rendering", "ECGFormats", "ECGSignal", "DetectorKit"]),

        // MARK: The pancreatic CT scorer (intended-use checks, localisation, lesion score, saliency overlays)
        .target(
            name: "CTDetector",
            dependencies: ["DetectorKit", "DetectorInputs", "ImagingFormats", "ONNXEngine", "TensorCore", "Rendering", "ContentHash"]
        ),

        // MARK: CT scoring and conversion as library calls (`vigil ct score|convert`), as ECGScoring is for ECGs
        .target(name: "CTScoring", dependencies: ["CTDetector", "DetectorInputs", "DetectorKit", "ImagingFormats", "TensorCore"]),

        // MARK: The detectors Vigil ships, assembled into one registry
        .target(name: "DetectorCatalog", dependencies: ["DetectorKit", "ECGDetectors", "CTDetector"]),

        // MARK: Explanations of findings (template / OpenAI-compatible backends, claim checker)
        .target(name: "Explainer", dependencies: ["DetectorKit", "ContentHash"]),

        // MARK: Findings store (inputs, runs, findings, worklist, audit log; SQLite via GRDB)
        .target(
            name: "FindingsStore",
            dependencies: ["DetectorKit", "ContentHash", .product(name: "GRDB", package: "GRDB.swift")]
        ),

        // MARK: The one scoring loop: BatchEngine over batch items into a findings store
        .target(name: "BatchScoring", dependencies: ["DetectorKit", "FindingsStore", "ContentHash", "TensorCore"]),
        // MARK: Cardiology batch sources: ECG files, folders, manifests and generated records as batch items
        .target(name: "ECGBatchSources",
                dependencies: ["BatchScoring", "DetectorKit", "DetectorInputs", "ECGFormats", "ContentHash"]),
        // MARK: Radiology worklist: study import and tagging on the scoring loop
        .target(name: "WorklistTagging",
                dependencies: ["BatchScoring", "DetectorKit", "DetectorInputs", "FindingsStore", "ImagingFormats"]),
        // MARK: Standard outputs: FHIR R4 JSON and CSV from stored findings
        .target(name: "FHIRExport", dependencies: ["DetectorKit", "FindingsStore"]),
        // MARK: Standard outputs for radiology: DICOM TID 1500 SR and Secondary Capture overlays from stored findings
        .target(name: "DICOMSR", dependencies: ["DICOM", "DetectorKit", "FindingsStore", "FHIRExport", "ImagingFormats", "ContentHash", "CPNG"]),
        // MARK: Standard outputs for cardiology: HL7 v2.5.1 ORU^R01 messages and MLLP sending
        .target(name: "HL7v2", dependencies: ["DetectorKit", "FindingsStore", "FHIRExport"]),
        // MARK: `vigil export`: one standard format from the store (CSV, FHIR, HL7 v2 + MLLP, DICOM SR), audited
        .target(name: "StandardExports", dependencies: ["DICOMSR", "DetectorKit", "FHIRExport", "FindingsStore", "HL7v2"]),
        // MARK: Explanations of stored findings, with each request kept in the audit log
        .target(name: "ExplainerStore", dependencies: ["Explainer", "FindingsStore", "DetectorKit"]),

        // MARK: Setup checks behind `vigil doctor` (models, CPU, OpenBLAS, store, language-model server)
        .target(
            name: "VigilDoctor",
            dependencies: ["DetectorKit", "DetectorCatalog", "ECGDetectors", "CTDetector", "TensorCore", "COpenBLAS",
                           "FindingsStore", .product(name: "GRDB", package: "GRDB.swift")]
        ),

        // MARK: Benchmarks and evaluations against peers and references (library so the CLI stays a thin shell)
        .target(name: "VigilBench", dependencies: ["ECGBatchSources", "TensorCore", "ONNXEngine", "DetectorKit", "DetectorCatalog", "DetectorInputs",
                                                   "ECGFormats", "ECGSignal", "ECGDetectors", "ECGSynth", "CTSynth", "CTDetector",
                                                   "ImagingFormats", "BatchScoring", "FindingsStore", "Explainer"]),

        // MARK: Command-line interface (its dependencies: the last block of this manifest)
        .executableTarget(name: "vigil"),

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
        .testTarget(name: "DetectorCatalogTests", dependencies: ["DetectorCatalog", "DetectorKit"]),
        .testTarget(name: "DetectorInputsTests", dependencies: ["DetectorInputs", "DetectorKit", "ECGFormats", "ImagingFormats"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "ImagingFormats"], exclude: ["Fixtures"]),
        .testTarget(name: "ECGSynthTests", dependencies: ["ECGSynth", "ECGFormats", "ECGSignal"], exclude: ["Fixtures"]),
        .testTarget(name: "CTSynthTests", dependencies: ["CTSynth", "ImagingFormats"], exclude: ["Fixtures"]),
        .testTarget(
            name: "ECGDetectorsTests",
            dependencies: ["ECGDetectors", "DetectorInputs", "DetectorKit", "ECGFormats", "ECGSignal", "ECGSynth", "ONNXEngine"],
            exclude: ["Fixtures"]),
        .testTarget(name: "ECGPlotTests", dependencies: ["ECGPlot", "ECGFormats", "Rendering", "ImagingFormats"], exclude: ["Fixtures"]),
        .testTarget(
            name: "CTDetectorTests",
            dependencies: ["CTDetector", "DetectorInputs", "DetectorKit", "ImagingFormats", "CTSynth", "ONNXEngine"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "BatchScoringTests",
            dependencies: ["WorklistTagging", "ECGBatchSources", "BatchScoring", "DetectorKit", "DetectorInputs", "FindingsStore", "ECGFormats", "ECGSynth"],
            exclude: ["Fixtures"]),
        .testTarget(name: "FHIRExportTests", dependencies: ["FHIRExport", "FindingsStore", "DetectorKit"], exclude: ["Fixtures"]),
        .testTarget(name: "DICOMSRTests", dependencies: ["DICOMSR", "DICOM", "FindingsStore", "DetectorKit", "ImagingFormats"]),
        .testTarget(name: "HL7v2Tests", dependencies: ["HL7v2", "FindingsStore", "DetectorKit"]),
        .testTarget(name: "ExplainerStoreTests", dependencies: ["ExplainerStore", "Explainer", "FindingsStore", "DetectorKit"]),
        .testTarget(name: "VigilDoctorTests", dependencies: ["VigilDoctor", "FindingsStore"]),
        // Runs the built `vigil` executable (wrong arguments leave no file behind; doctor's exit codes).
        .testTarget(name: "VigilCLITests", dependencies: []),
    ]
)

// MARK: ECG scoring as one library call (CLI `vigil ecg score` and the HTTP service share it)
package.targets.append(contentsOf: [
    .target(name: "ECGScoring", dependencies: ["DetectorKit", "DetectorInputs", "ECGFormats", "FindingsStore", "ContentHash",
                                               "ECGDetectors", "TensorCore"]),
    .testTarget(name: "ECGScoringTests",
                dependencies: ["ECGScoring", "DetectorCatalog", "DetectorKit", "ECGFormats", "ECGSynth", "FindingsStore"]),
])
// `vigil bench ecg` times the registry's ECG detectors through ECGScorer, as `vigil ecg score` runs them.
package.targets.first { $0.name == "VigilBench" }?.dependencies.append("ECGScoring")
// Issue 12: the batch tests score records with the shipped ECG detectors (one analysis per record).
package.targets.first { $0.name == "BatchScoringTests" }?.dependencies.append("DetectorCatalog")

// MARK: zlib (gzip-compressed NIfTI volumes, .nii.gz) for ImagingFormats
package.targets.append(
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])])
)
package.targets.first { $0.name == "ImagingFormats" }?.dependencies.append("CZlib")

// MARK: DICOMweb STOW-RS ingest (multipart/related parsing via MultipartKit, spool, series assembly,
// worklist feeding). No HTTP server dependency: the service's `POST /dicomweb/studies` route calls it.
// (Appended only when no other block of this manifest declares multipart-kit already: the service uses it too.)
if !package.dependencies.contains(where: {
    if case let .sourceControl(_, location, _) = $0.kind { return location.contains("vapor/multipart-kit") }
    return false
}) {
    package.dependencies.append(.package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"))
}
package.targets.append(contentsOf: [
    .target(
        name: "DICOMWebIngest",
        dependencies: ["WorklistTagging", "DICOM", "ImagingFormats", "DetectorKit", "DetectorInputs", "FindingsStore", "BatchScoring",
                       .product(name: "MultipartKit", package: "multipart-kit")]),
    .testTarget(
        name: "DICOMWebIngestTests",
        dependencies: ["DICOMWebIngest", "DICOM", "DetectorKit", "DetectorInputs", "FindingsStore", "BatchScoring", "CTSynth"]),
])

// MARK: The HTTP service (`vigil serve`): routes over the same library calls as the CLI.
// Hummingbird 2 (HTTP server + in-memory testing), swift-service-lifecycle (SIGTERM drains), swift-log (one line per
// request), swift-prometheus (the /metrics text format), multipart-kit (WFDB uploads as multipart/form-data).
package.dependencies.append(contentsOf: [
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    // multipart-kit (WFDB uploads as multipart/form-data) is declared above with DICOMWebIngest.
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),  // already under Hummingbird
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),       // already under Hummingbird
])
package.targets.append(contentsOf: [
    .target(name: "VigilService",
            dependencies: ["ECGBatchSources", "ECGScoring", "DetectorKit", "ECGFormats", "FindingsStore", "FHIRExport", "Explainer",
                           "ExplainerStore", "ContentHash", "DICOM", "BatchScoring",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "Prometheus", package: "swift-prometheus"),
                           .product(name: "MultipartKit", package: "multipart-kit"),
                           .product(name: "HTTPTypes", package: "swift-http-types"),
                           .product(name: "NIOCore", package: "swift-nio")]),
    .testTarget(name: "VigilServiceTests",
                dependencies: ["VigilService", "ECGScoring", "DetectorCatalog", "DetectorKit", "FindingsStore", "ECGSynth",
                               "ECGFormats", "Explainer",
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "HummingbirdTesting", package: "hummingbird")]),
])
package.targets.first { $0.name == "FindingsStoreTests" }?.dependencies.append("ContentHash")

// MARK: MCP server for the AI assistant (modelcontextprotocol/swift-sdk, stateless streamable HTTP; the service mounts it at POST /mcp)
package.dependencies.append(.package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"))
package.targets.append(contentsOf: [
    .target(name: "VigilMCP",
            dependencies: ["DetectorKit", "FindingsStore", "Explainer", "ExplainerStore",
                           .product(name: "MCP", package: "swift-sdk")]),
    .testTarget(name: "VigilMCPTests",
                dependencies: ["VigilMCP", "DetectorKit", "DetectorCatalog", "FindingsStore", "ECGScoring", "ECGFormats",
                               "Explainer", .product(name: "MCP", package: "swift-sdk")]),
])
// Issue 12 (vocabulary): the catalog test checks every code a shipped detector can emit against the knowledge base.
package.targets.first { $0.name == "DetectorCatalogTests" }?.dependencies.append("Explainer")

// MARK: POST /mcp in the service: VigilService mounts VigilMCP (VigilServiceMount.mcp); vigil serve passes the mount
package.targets.first { $0.name == "VigilService" }?.dependencies.append("VigilMCP")
// The scoring gate gives each slot its share of the tensor core's threads (TensorThreads.withThreads).
package.targets.first { $0.name == "VigilService" }?.dependencies.append("TensorCore")
package.targets.first { $0.name == "VigilServiceTests" }?.dependencies.append("VigilMCP")

// MARK: POST /dicomweb/studies in the service: VigilService mounts DICOMWebIngest (VigilServiceMount.dicomweb)
package.targets.first { $0.name == "VigilService" }?.dependencies.append("DICOMWebIngest")
package.targets.first { $0.name == "VigilServiceTests" }?.dependencies.append(contentsOf: ["DICOMWebIngest", "DICOM"])

// MARK: Findings store and work queue on PostgreSQL (postgres-nio), chosen by a postgresql:// URL (issue 17)
package.dependencies.append(.package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"))
package.targets.append(contentsOf: [
    .target(name: "PostgresStore",
            dependencies: ["FindingsStore", "DetectorKit", "ContentHash",
                           .product(name: "PostgresNIO", package: "postgres-nio")]),
])
// The shared store tests run on both engines (PostgreSQL when VIGIL_PG_URL is set).
package.targets.first { $0.name == "FindingsStoreTests" }?.dependencies.append("PostgresStore")
// Queue workers and `--enqueue` on the PostgreSQL store (issue 17)
package.targets.append(contentsOf: [
    .target(name: "ScaleOut",
            dependencies: ["ECGBatchSources", "BatchScoring", "PostgresStore", "FindingsStore", "DetectorKit", "ECGFormats"]),
    .testTarget(name: "PostgresStoreTests",
                dependencies: ["PostgresStore", "ScaleOut", "BatchScoring", "FindingsStore", "DetectorKit", "ECGFormats",
                               "ECGSynth", "DetectorCatalog"]),
])

// vigil doctor verifies the catalog's list of shipped model folders (DetectorCatalog.shippedModelFolders).
package.targets.first { $0.name == "VigilDoctorTests" }?.dependencies.append("DetectorCatalog")
// MARK: GET /v1/inputs/{id}/dicom-sr and /hl7v2 in the service (ExportRoutes.swift): the same library calls as vigil export
package.targets.first { $0.name == "VigilService" }?.dependencies.append(contentsOf: ["DICOMSR", "HL7v2"])
package.targets.first { $0.name == "VigilServiceTests" }?.dependencies.append(contentsOf: ["DICOMSR", "HL7v2", "FHIRExport", "ImagingFormats"])

// MARK: Issue 12 hygiene: one home for seeded random numbers (SplitMix64; xoshiro256** for the synthetic ECGs), used by
// the synthetic generators, the benchmarks' synthetic tensors and every test that needs reproducible randomness.
package.targets.append(contentsOf: [
    .target(name: "Randomness"),
    .testTarget(name: "RandomnessTests", dependencies: ["Randomness"]),
])
for name in ["ECGSynth", "CTSynth", "VigilBench", "DICOMTests", "ONNXEngineTests", "VigilServiceTests", "ECGFormatsTests",
             "ECGSignalTests", "ECGDetectorsTests", "TensorCoreTests", "ImagingFormatsTests"] {
    package.targets.first { $0.name == name }?.dependencies.append("Randomness")
}

// MARK: Issue 12 hygiene: what many test targets need (the repository's folders, temporary folders), in one place.
package.targets.append(.target(name: "VigilTestSupport", path: "Tests/VigilTestSupport"))
for name in ["BatchScoringTests", "CTDetectorTests", "DICOMSRTests", "DICOMTests", "DICOMWebIngestTests", "DetectorCatalogTests",
             "ECGScoringTests", "ECGSynthTests", "ExplainerTests", "FHIRExportTests", "HL7v2Tests", "ImagingFormatsTests",
             "ONNXEngineTests", "TensorCoreTests", "VigilCLITests", "VigilDoctorTests", "VigilMCPTests", "VigilServiceTests"] {
    package.targets.first { $0.name == name }?.dependencies.append("VigilTestSupport")
}


// MARK: Issue 12: the jobs a user starts (batch, worker, worklist, export, explain, serve, token, synth, ECG
// convert/score/plot) as library calls with plain-valued options, so that the CLI only parses and prints.
package.targets.append(
    .target(name: "VigilJobs",
            dependencies: ["BatchScoring", "ECGBatchSources", "WorklistTagging", "DetectorCatalog", "DetectorKit",
                           "ECGFormats", "ECGPlot", "ECGScoring", "ECGSynth", "CTSynth", "Explainer", "ExplainerStore",
                           "FindingsStore", "PostgresStore", "ScaleOut", "StandardExports", "TensorCore", "VigilDoctor",
                           "VigilService", .product(name: "Logging", package: "swift-log")])
)

package.targets.append(.testTarget(name: "VigilJobsTests", dependencies: ["VigilJobs", "VigilTestSupport"]))

// Issue 12 hygiene: the package settings Hummingbird uses, on the shell, its jobs and the upper floors so far
// (existentials spelled `any`; members visible only from modules a file imports, so no file leans on transitive
// imports). The lower floors (TensorCore, ONNXEngine, readers, detectors, stores, service) are not switched yet.
for name in ["vigil", "VigilJobs", "BatchScoring", "ECGBatchSources", "WorklistTagging", "ScaleOut", "StandardExports",
             "ExplainerStore", "ECGScoring", "CTScoring", "DetectorCatalog", "VigilDoctor"] {
    package.targets.first { $0.name == name }?.swiftSettings = [
        .enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("MemberImportVisibility"),
    ]
}

// MARK: The explainer's HTTP client: AsyncHTTPClient (already built for the MCP SDK). Foundation's URLSession on
// Linux polls while it waits for a slow answer (~0.8 of a core during a CPU model server's minute-long answer).
package.dependencies.append(.package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"))
package.targets.first { $0.name == "Explainer" }?.dependencies.append(contentsOf: [
    .product(name: "AsyncHTTPClient", package: "async-http-client"),
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
])

// MARK: The CLI is a thin shell: it depends on exactly the modules it imports (Tests/VigilCLITests/CLIImportTests
// checks that list against Sources/vigil).
package.targets.first { $0.name == "vigil" }?.dependencies = [
    "DetectorKit", "DetectorCatalog", "CTScoring", "VigilBench", "VigilDoctor", "VigilJobs",
    .product(name: "ArgumentParser", package: "swift-argument-parser"),
    .product(name: "Logging", package: "swift-log"),
]
