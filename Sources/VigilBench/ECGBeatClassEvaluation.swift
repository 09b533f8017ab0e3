import ECGDetectors
import ECGFormats
import ECGSignal
import Foundation

extension ECGBeatEvaluation {
    /// Heartbeat classes (AAMI N/S/V/F) of the detected beats against the records' annotated beat labels
    /// (``ECGDetectors/BeatClassEvaluation``): per record and gross, for the rule classifier of the pipeline
    /// (``ECGSignal/BeatClassifier``, N or V only) and, when `model` is given, for that beat-class model.
    /// - Parameters:
    ///   - model: a ``ECGDetectors/BeatClassModel`` file, or nil.
    ///   - featuresCSV: when given, every labelled beat is written there (record, time, class, `BeatFeatures`), the
    ///     training and evaluation input of `Tools/ecg/real/train_beat_classes.py`.
    /// - Returns: how many records could not be read (each named in a note).
    @discardableResult
    public func runBeatClasses(_ output: BenchOutput, model: URL?, featuresCSV: URL?) throws -> Int {
        guard !records.isEmpty else { throw BenchError("give at least one record") }
        let classifier: BeatClassModel?
        do { classifier = try model.map(BeatClassModel.load) } catch { throw BenchError("\(error)") }
        var readOptions = ECGReadOptions()
        readOptions.samplingRateHz = rate
        var configuration = ECGAnalysis.Configuration()
        configuration.beatFeatures = true
        var csv = "record,seconds,class," + BeatFeatures.names.joined(separator: ",") + "\n"
        var ruleTotal = BeatClassEvaluation.Confusion(), modelTotal = BeatClassEvaluation.Confusion()
        var failures = 0
        func rates(_ c: BeatClassEvaluation.Confusion, _ k: AAMIBeatClass) -> String {
            lpad(pct(c.sensitivity(k)), 8) + lpad(pct(c.positivePredictivity(k)), 8)
        }
        output.line(pad("record", 12) + lpad("N", 7) + lpad("S", 6) + lpad("V", 6) + lpad("F", 5)
                    + "   rule: V Se   V +P" + (classifier == nil ? "" : "   model: V Se   V +P    S Se    S +P"))
        for url in records {
            let name = url.lastPathComponent
            let record: ECGRecord
            do { record = try ECGReader.read(url: url, options: readOptions) } catch {
                output.note("\(name): \(error)"); failures += 1; continue
            }
            let analysis = try ECGAnalysis.analyze(record, configuration: configuration)
            if let p = analysis.problem { output.line(pad(name, 12) + "  NOT ASSESSABLE [\(p.message)]"); continue }
            let beats = BeatClassEvaluation.labelled(record: record, analysis: analysis)
            var rule = BeatClassEvaluation.Confusion(), learnt = BeatClassEvaluation.Confusion()
            for beat in beats {
                let called = analysis.beatClasses[beat.beat]
                rule.add(reference: beat.reference, predicted: called == .ventricular ? .ventricular : (called == .normal ? .normal : .unknown))
                if let classifier { learnt.add(reference: beat.reference, predicted: classifier.classify(beat.features)) }
                if featuresCSV != nil, let f = beat.features {
                    csv += "\(name),\(String(format: "%.3f", beat.seconds)),\(beat.reference.rawValue),"
                        + f.map { String(format: "%.6g", $0) }.joined(separator: ",") + "\n"
                }
            }
            ruleTotal.add(rule); modelTotal.add(learnt)
            let n = rule.counts.map { $0.reduce(0, +) }   // reference beats per class
            output.line(pad(name, 12) + lpad("\(n[0])", 7) + lpad("\(n[1])", 6) + lpad("\(n[2])", 6) + lpad("\(n[3])", 5)
                        + "  " + rates(rule, .ventricular) + (classifier == nil ? "" : "  " + rates(learnt, .ventricular) + rates(learnt, .supraventricular)))
        }
        output.line("")
        func table(_ title: String, _ c: BeatClassEvaluation.Confusion) {
            output.line(title + " (rows: reference, columns: called)")
            output.line(pad("", 6) + BeatClassEvaluation.Confusion.classes.map { lpad($0.rawValue, 8) }.joined() + lpad("Se %", 9) + lpad("+P %", 8))
            for (r, cls) in BeatClassEvaluation.Confusion.classes.enumerated() {
                output.line(pad(cls.rawValue, 6) + c.counts[r].map { lpad("\($0)", 8) }.joined() + " " + rates(c, cls))
            }
        }
        table("gross, rule classifier (N or V only)", ruleTotal)
        if let classifier {
            output.line("")
            table("gross, beat-class model (\(classifier.trainedOn))", modelTotal)
        }
        if let featuresCSV {
            do { try csv.write(to: featuresCSV, atomically: true, encoding: .utf8) } catch {
                throw BenchError("\(featuresCSV.path): cannot be written (\(error.localizedDescription))")
            }
            output.note("written: \(featuresCSV.path)")
        }
        return failures
    }
}
