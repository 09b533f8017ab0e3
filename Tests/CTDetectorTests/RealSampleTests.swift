import DetectorInputs
import DetectorKit
import Foundation
import Testing
@testable import CTDetector

/// The two real CT files in SampleData/ct, judged with the band test models (the scores of those models
/// mean nothing; what is tested is that the checks judge the files and the pipeline runs).
@Suite struct RealSampleTests {
    static let sampleDir = Fixtures.repository.appendingPathComponent("SampleData/ct")

    @Test func tciaPancreasSliceIsWithinIntendedUseAndScorable() throws {
        let study = try CTStudy.read(paths: [Self.sampleDir.appendingPathComponent("PancreasCT_0001_slice122_j2k.dcm")])
        let volume = try #require(study.volumes.first)
        let (failure, notes) = IntendedUseCheck.check(volume, spec: IntendedUseSpec())
        #expect(failure == nil, "\(String(describing: failure))")
        #expect(notes.contains { $0.contains("Contrast is not recorded") })
        // The CT table (separated from the body by air) is not counted as enclosed air.
        let features = AbdomenHeuristic(volume: volume)
        #expect(features.internalAirFraction < 0.15, "\(features.details)")
        #expect(features.bodyAreaCM2 > 400 && features.bodyAreaCM2 < 900, "\(features.details)")
        let report = try CTPancreasDetector(models: try Fixtures.models("std")).score(study)
        let finding = try #require(report.outcome.findings?.first, "\(report.outcome)")
        #expect(finding.evidence.contains { if case let .text(t) = $0 { t.contains("edge replication") } else { false } })
        // Stored with rows running towards anterior: mirrored to the radiological orientation first.
        let orientation = RadiologicalOrientation(of: volume)
        #expect(orientation.flipRows && !orientation.flipColumns)
        #expect(finding.evidence.contains { if case let .text(t) = $0 { t.contains("mirrored to the radiological orientation") } else { false } })
    }

    @Test func nemaSmallSliceAbstainsAsACroppedFieldOfView() throws {
        let study = try CTStudy.read(paths: [Self.sampleDir.appendingPathComponent("CT_small.dcm")])
        let outcome = try CTPancreasDetector(models: try Fixtures.models("std")).score(study).outcome
        let abstention = try #require(outcome.abstention)
        #expect(abstention.reason == .outsideIntendedUse)
        #expect(abstention.message.contains("cross-section"))
        #expect((abstention.details["bodyAreaCM2"]?.doubleValue ?? 1000) < 100)
    }
}
