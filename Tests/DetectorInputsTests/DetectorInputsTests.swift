import DetectorInputs
import DetectorKit
import ECGFormats
import ImagingFormats
import Testing

@Suite struct DetectorInputsTests {
    @Test func ecgRecordIsAnECGInputAndDescribesItselfWithoutIdentifiers() throws {
        let lead = ECGLead(name: "II", originalLabel: "II", samples: [Float](repeating: 0, count: 5000))
        let wave = try ECGWaveform(kind: .rhythm, samplingRateHz: 500, leads: [lead])
        let record = ECGRecord(sourceFormat: .csv, sourceFile: "a.csv", rhythm: wave,
                               acquisition: ECGAcquisitionInfo(patientID: "PATIENT-42"))
        #expect(ECGRecord.kind == .ecg)
        #expect(record.inputDescription == "ECG a.csv: 1 leads, 10.0 s at 500 Hz")
        #expect(!record.inputDescription.contains("PATIENT-42"))
    }

    @Test func ctStudyIsACTInputAndListsItsSeriesShapes() {
        let volume = ImageVolume(slices: 2, rows: 3, columns: 4, voxels: [Float](repeating: 0, count: 24),
                                 rowSpacingMM: 1, columnSpacingMM: 1, sliceSpacingMM: 2.5,
                                 rowDirection: [1, 0, 0], columnDirection: [0, 1, 0], originMM: [0, 0, 0],
                                 slicePositionsMM: [0, 2.5], sliceSources: ["a.dcm", "b.dcm"],
                                 metadata: SeriesMetadata(), warnings: [])
        let study = CTStudy(label: "study-7", volumes: [volume])
        #expect(CTStudy.kind == .ctStudy)
        #expect(study.inputDescription == "CT study study-7: 1 series (2×3×4)")
    }
}
