// swift-tools-version:6.0
// Standalone release build of CTSynth (symlinked from Sources/) for fast training-data export; not part of the
// Vigil package. `swift build -c release` here, then: gen raw COUNT OUT SEED SLICES (int16 HU + uint8 labels + JSON),
// gen COUNT OUT SEED SLICES [random|present|absent] [diameter] [matrix] [spacing] (PNG, as vigil synth ct),
// gen dump FILE OUT.raw (HU of a DICOM/PNG series), tis SEED PREFIX SLICES (HU + tissue codes for compare_real.py).
import PackageDescription
let package = Package(
    name: "CTSynthGen",
    targets: [
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng"),
        .systemLibrary(name: "COpenJPEG", path: "Sources/COpenJPEG", pkgConfig: "libopenjp2"),
        .target(name: "DICOM"),
        .target(name: "ImagingFormats", dependencies: ["DICOM", "CPNG", "COpenJPEG"]),
        .target(name: "Rendering", dependencies: ["CPNG"]),
        .target(name: "CTSynth", dependencies: ["ImagingFormats", "Rendering", "DICOM"]),
        .executableTarget(name: "gen", dependencies: ["CTSynth"]),
        .executableTarget(name: "tis", dependencies: ["CTSynth"]),
    ]
)
