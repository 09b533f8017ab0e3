import CTSynth
import Foundation
import Testing
@testable import CTDetector

/// The intended-use checks accept the phantoms the shipped models are trained on (CTSynth), not only
/// this target's hand-made test volumes.
@Suite struct CTSynthPhantomTests {
    @Test func synthesisedAbdomenIsWithinIntendedUse() throws {
        var p = PhantomParameters(seed: 7)
        p.matrix = 256
        p.pixelSpacingMM = 1.6
        p.sliceCount = 3
        p.lesion = .absent
        let volume = try PhantomGenerator.generate(p).volume
        let (failure, notes) = IntendedUseCheck.check(volume, spec: IntendedUseSpec())
        #expect(failure == nil, "\(String(describing: failure))")
        #expect(notes.isEmpty, "\(notes)")
        let features = AbdomenHeuristic(volume: volume)
        #expect(features.internalAirFraction < 0.15 && features.fatFraction > 0.05, "\(features.details)")
    }
}
