import Foundation
import Testing

/// A real PACS pushes studies to `vigil serve`: Tools/service/orthanc-stow.sh starts the built binary and a private
/// Orthanc 1.10 (Debian orthanc + orthanc-dicomweb) with Vigil configured as its DICOMweb server, has Orthanc send
/// the SampleData CT studies with its own STOW-RS call, and waits until each is tagged on `GET /v1/worklist`.
/// In CI a missing Orthanc is a failure (Tools/setup.sh installs it); elsewhere the test says so and returns.
@Suite struct OrthancSTOWTests {
    @Test func orthancSendsEachStudyByItsOwnSTOWRSCallAndVigilTagsIt() throws {
        guard ToolScript.present(["/usr/sbin/Orthanc", "/usr/share/orthanc/plugins/libOrthancDicomWeb.so", "/usr/bin/curl"],
                                 test: "OrthancSTOWTests", install: "Tools/setup.sh installs orthanc, orthanc-dicomweb and curl")
        else { return }
        let vigil = try #require(VigilBinary.locate(), "build vigil first (swift build)")
        let http = Int.random(in: 20000..<30000), dicom = Int.random(in: 30000..<40000)
        let result = try ToolScript.run(
            "Tools/service/orthanc-stow.sh",
            environment: ["VIGIL": vigil.path, "MODELS": VigilBinary.root.appendingPathComponent("Models").path,
                          "ORTHANC_HTTP_PORT": "\(http)", "ORTHANC_DICOM_PORT": "\(dicom)", "TIMEOUT": "150"],
            timeout: 300)
        let (status, output, timedOut) = (result.status, result.output, result.timedOut)
        #expect(!timedOut, "the script did not end within 300 s: \(output.suffix(1500))")
        #expect(status == 0, "\(output.suffix(2000))")
        for file in ["CT_small.dcm", "PancreasCT_0001_slice122_j2k.dcm"] {
            #expect(output.contains("\(file): Orthanc sent study"), "\(file): \(output.suffix(2000))")
        }
        let tagged = output.split(separator: "\n").filter { $0.contains("on Vigil's worklist, \"tag\":\"") }
        #expect(tagged.count == 2, "\(output.suffix(2000))")
        #expect(output.contains("2 of 2 studies sent by Orthanc 1."), "\(output.suffix(2000))")
        #expect(output.contains("all tagged on the worklist"))
    }
}
