import ECGSignal
import Testing
@testable import ECGSynth

@Suite("RecordMorphology")
struct RecordMorphologyTests {
    @Test("true intervals follow the labels", arguments: ECGSynthLabel.allCases)
    func intervalsFollowLabels(label: ECGSynthLabel) throws {
        for seed: UInt64 in 1...8 {
            let t = try Synth.make([label], seed: seed).truth
            let qrs = try #require(t.qrsMs), qtc = try #require(t.qtcMs)
            if [.lbbb, .rbbb, .paced].contains(label) { #expect(qrs >= 120) } else { #expect(qrs < 120) }
            if label == .afib { #expect(t.prMs == nil) }
            else if label == .firstDegreeAVBlock { #expect(try #require(t.prMs) > 200) }
            else { #expect((120...200).contains(try #require(t.prMs))) }
            if label == .longQT { #expect(qtc > 480) } else { #expect(qtc >= 360 && qtc <= 460) }
        }
    }

    /// Measures QRS duration and QT on clean records with ECGSignal's median beats and delineation (an
    /// implementation independent of the generator) and compares with the truth.
    @Test("ECGSignal's delineation measures the true QRS duration and QT",
          arguments: [ECGSynthLabel.normal, .lbbb, .rbbb, .longQT, .sinusBradycardia, .lvh])
    func delineationAgrees(label: ECGSynthLabel) throws {
        for seed: UInt64 in 1...3 {
            let e = try Synth.make([label], seed: seed)
            let fid = e.beats.map(\.fiducial)
            let medians = try e.clean.map { try #require(MedianBeat.compute(lead: $0, beats: fid, sampleRate: e.sampleRate, before: 0.3, after: 0.6)) }
            let rr = try #require(e.truth.rrMeanMs)
            let m = try #require(Delineation.measure(medianBeats: medians, fiducial: Int(0.3 * e.sampleRate), sampleRate: e.sampleRate, rrMs: rr))
            let qrs = try #require(e.truth.qrsMs), qt = try #require(e.truth.qtMs)
            // The generator's waves taper smoothly to zero at their true boundaries, so a threshold-based
            // delineator ends each wave a little inside them: QRS within 25 ms, QT (tangent method) within 45 ms.
            #expect(abs(m.qrsDurationMs - qrs) <= 25, "\(label.rawValue) seed \(seed): QRS \(m.qrsDurationMs) vs \(qrs)")
            #expect(abs(m.qtMs - qt) <= 45, "\(label.rawValue) seed \(seed): QT \(m.qtMs) vs \(qt)")
        }
    }

    @Test("LVH records meet Sokolow–Lyon (> 3.5 mV) beat by beat; normal records do not")
    func lvhVoltage() throws {
        for seed: UInt64 in 1...6 {
            for (label, wantLVH) in [(ECGSynthLabel.lvh, true), (.normal, false)] {
                let e = try Synth.make([label], seed: seed)
                for b in Synth.fullBeats(e) {
                    let r = b.qrsOnset!...b.qrsOffset!
                    let v1 = e.clean[Synth.lead("V1")], v5 = e.clean[Synth.lead("V5")], v6 = e.clean[Synth.lead("V6")]
                    let s = -(Double(v1[r].min()!) - Synth.baseline(v1, b, fs: e.sampleRate))
                    let rv = max(Double(v5[r].max()!) - Synth.baseline(v5, b, fs: e.sampleRate),
                                 Double(v6[r].max()!) - Synth.baseline(v6, b, fs: e.sampleRate))
                    if wantLVH { #expect(s + rv > 3.5, "seed \(seed)") } else { #expect(s + rv < 3.5, "seed \(seed)") }
                }
            }
        }
    }

    @Test("low-voltage records have small QRS in every limb and precordial lead; normal ones do not")
    func lowVoltage() throws {
        for seed: UInt64 in 1...6 {
            let low = try Synth.make([.lowVoltage], seed: seed), normal = try Synth.make([.normal], seed: seed)
            for (e, isLow) in [(low, true), (normal, false)] {
                let b = Synth.fullBeats(e)[1]
                let r = b.qrsOnset!...b.qrsOffset!
                let p2p = e.clean.map { Double($0[r].max()! - $0[r].min()!) }
                if isLow {
                    #expect(p2p[0..<6].allSatisfy { $0 < 0.5 } && p2p[6..<12].allSatisfy { $0 < 1.0 }, "seed \(seed): \(p2p)")
                } else {
                    #expect(p2p[0..<6].contains { $0 >= 0.5 }, "seed \(seed): \(p2p)")
                }
            }
        }
    }

    @Test("ST elevation meets its territory's criterion with margin (anterior: V2 and V3 ≥ 0.2 mV; else ≥ 0.1 mV in two leads), with reciprocal depression")
    func stElevation() throws {
        for seed: UInt64 in 1...12 {
            let e = try Synth.make([.stElevation], seed: seed)
            let territory = try #require(e.truth.stTerritory)
            let st = stLevels(e)
            if territory == .anterior {
                #expect(st[Synth.lead("V2")] >= 0.2 && st[Synth.lead("V3")] >= 0.2, "seed \(seed) anterior: \(st)")
            } else {
                let elevated = territory.leadIndices.filter { st[$0] >= 0.1 }
                #expect(elevated.count >= 2, "seed \(seed) \(territory): \(st)")
            }
            #expect(st.min()! <= -0.05, "seed \(seed) \(territory): no reciprocal depression \(st)")
        }
    }

    @Test("records without st_elevation have physiological ST elevation in V2–V3 that never meets a territory criterion")
    func physiologicalST() throws {
        var v2v3: [Double] = []
        for seed: UInt64 in 1...40 {
            for labels: Set<ECGSynthLabel> in [[.normal], [.rbbb], [.lvh], [.afib]] {
                let st = stLevels(try Synth.make(labels, seed: seed))
                let anterior = max(st[Synth.lead("V2")], st[Synth.lead("V3")])
                #expect(anterior < 0.2, "\(labels) seed \(seed): V2–V3 \(st)")
                if labels == [.normal] {
                    v2v3.append(anterior)
                    // No territory outside V1–V3 reaches 0.1 mV in two leads.
                    for territory in [STTerritory.inferior, .lateral] {
                        #expect(territory.leadIndices.filter { st[$0] >= 0.1 }.count < 2, "seed \(seed) \(territory): \(st)")
                    }
                    #expect(st[Synth.lead("V4")] < 0.1, "seed \(seed): V4 \(st)")
                }
            }
        }
        // The feature is really present: a good share of normal records have ≥ 0.1 mV, and it varies.
        let high = v2v3.filter { $0 >= 0.1 }.count
        #expect(high >= 5 && high <= 30, "normal records with V2–V3 ≥ 0.1 mV: \(high) of 40 (\(v2v3))")
        #expect(v2v3.min()! < 0.05, "\(v2v3)")
    }

    /// ST level (mV) at J + 40 ms relative to the PR segment, per lead, averaged over full beats.
    private func stLevels(_ e: SyntheticECG) -> [Double] {
        let beats = Synth.fullBeats(e)
        return e.clean.map { x in
            beats.map { b in Double(x[b.qrsOffset! + Int(0.04 * e.sampleRate)]) - Synth.baseline(x, b, fs: e.sampleRate) }
                .reduce(0, +) / Double(beats.count)
        }
    }

    @Test("LBBB: QS or rS in V1, broad positive QRS without septal q in I and V6, discordant T in V6")
    func lbbb() throws {
        for seed: UInt64 in 1...6 {
            let e = try Synth.make([.lbbb], seed: seed)
            let b = Synth.fullBeats(e)[1], fs = e.sampleRate
            let r = b.qrsOnset!...b.qrsOffset!
            let v1 = e.clean[Synth.lead("V1")], v6 = e.clean[Synth.lead("V6")], i = e.clean[0]
            #expect(v1[r].max()! < 0.2 && v1[r].min()! < -0.7, "seed \(seed)")
            for x in [i, v6] {
                #expect(x[r].max()! > 0.4 && x[r].max()! > -2 * x[r].min()!, "seed \(seed)")
                let early = b.qrsOnset!...(b.qrsOnset! + Int(0.03 * fs))
                #expect(x[early].min()! > -0.05, "seed \(seed): septal q")
            }
            let tArea = v6[b.tOnset!...b.tOffset!].reduce(0) { $0 + Double($1) }
            #expect(tArea < 0, "seed \(seed): T in V6 should be inverted")
        }
    }

    @Test("RBBB: terminal R' in V1, wide terminal S in I and V6")
    func rbbb() throws {
        for seed: UInt64 in 1...6 {
            let e = try Synth.make([.rbbb], seed: seed)
            let b = Synth.fullBeats(e)[1]
            let q = b.qrsOffset! - b.qrsOnset!
            let terminal = (b.qrsOnset! + q * 6 / 10)...b.qrsOffset!
            let v1 = e.clean[Synth.lead("V1")], v6 = e.clean[Synth.lead("V6")], i = e.clean[0]
            #expect(v1[terminal].max()! > 0.3, "seed \(seed)")
            #expect(i[terminal].min()! < -0.1 && v6[terminal].min()! < -0.1, "seed \(seed)")
        }
    }

    @Test("AF: no P waves; the TQ segments of V1 oscillate at 4–9 Hz")
    func afibFWaves() throws {
        for seed: UInt64 in 1...5 {
            let e = try Synth.make([.afib], seed: seed)
            #expect(e.beats.allSatisfy { $0.pOnset == nil })
            let v1 = e.clean[Synth.lead("V1")]
            var crossings = 0, seconds = 0.0
            for (a, b) in zip(e.beats, e.beats.dropFirst()) {
                guard let tEnd = a.tOffset, let next = b.qrsOnset, next - tEnd > 60 else { continue }
                let seg = v1[(tEnd + 10)..<(next - 10)].map(Double.init)
                let mean = seg.reduce(0, +) / Double(seg.count)
                for k in 1..<seg.count where (seg[k - 1] - mean) * (seg[k] - mean) < 0 { crossings += 1 }
                seconds += Double(seg.count) / e.sampleRate
            }
            try #require(seconds > 0.5)
            let hz = Double(crossings) / seconds / 2
            #expect(hz > 3.5 && hz < 10, "seed \(seed): \(hz) Hz")
        }
    }

    @Test("paced beats start with a narrow high-slope spike")
    func pacingSpikes() throws {
        for seed: UInt64 in 1...4 {
            let e = try Synth.make([.paced], seed: seed)
            for b in Synth.fullBeats(e) {
                let on = b.qrsOnset!
                let slope = e.clean.map { x in ((on - 2)...(on + 1)).map { abs(x[$0] - x[$0 - 1]) }.max()! }.max()!
                // 0.2 mV between two samples (2 ms): far steeper than any QRS (≈ 0.05 mV/sample here).
                #expect(slope > 0.2, "seed \(seed) beat at \(on): \(slope)")
            }
        }
    }
}
