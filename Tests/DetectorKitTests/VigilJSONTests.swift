import Foundation
import Testing
@testable import DetectorKit

@Suite struct VigilJSONTests {
    @Test(arguments: [
        (1_741_944_413.12, "2025-03-14T09:26:53.120Z"),
        (0, "1970-01-01T00:00:00.000Z"),
        (-1.5, "1969-12-31T23:59:58.500Z"),
        (951_782_400.9996, "2000-02-29T00:00:01.000Z"),
    ])
    func timestampFormat(seconds: Double, text: String) {
        #expect(VigilTimestamp.format(Date(timeIntervalSince1970: seconds)) == text)
    }

    @Test(arguments: [
        ("2025-03-14T09:26:53.120Z", 1_741_944_413_120),
        ("2025-03-14T09:26:53Z", 1_741_944_413_000),
        ("2025-03-14T09:26:53.1204999Z", 1_741_944_413_120),
        ("2025-03-14T10:26:53.120+01:00", 1_741_944_413_120),
        ("2025-03-14T04:26:53.120-05:00", 1_741_944_413_120),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000),
    ])
    func timestampParsing(text: String, milliseconds: Int64) throws {
        let date = try #require(VigilTimestamp.parse(text))
        #expect(VigilTimestamp.milliseconds(date) == milliseconds)
    }

    @Test(arguments: ["2025-02-29T00:00:00Z", "2025-03-14 09:26:53Z", "2025-03-14T09:26:53", "2025-03-14T24:00:00Z",
                      "2025-13-01T00:00:00Z", "2025-03-14T09:26:53.Z", "2025-03-14T09:26:53Zjunk", "", "yesterday"])
    func malformedTimestampsAreRejected(text: String) {
        #expect(VigilTimestamp.parse(text) == nil)
    }

    @Test func badTimestampInJSONIsNamed() throws {
        var object = try JSONSerialization.jsonObject(with: VigilJSON.encode(try Fixtures.abstention())) as! [String: Any]
        object["createdAt"] = "14/03/2025"
        let data = try JSONSerialization.data(withJSONObject: object)
        let error = detectorKitError { _ = try VigilJSON.decode(Abstention.self, from: data) }
        guard case let .decoding(_, problem)? = error else {
            Issue.record("expected .decoding, got \(String(describing: error))")
            return
        }
        #expect(problem.contains("'createdAt'") && problem.contains("14/03/2025"))
    }

    @Test func timestampsRoundTripExactly() throws {
        for seconds in [1_741_944_413.12, 1_700_000_000.001, 1_699_999_999.999, 86_400.5] {
            let date = VigilTimestamp.normalized(Date(timeIntervalSince1970: seconds))
            #expect(VigilTimestamp.parse(VigilTimestamp.format(date)) == date)
        }
    }

    @Test func encoderSettings() throws {
        struct Sample: Codable { var zeta = 1; var alpha = "a/b"; var when = Date(timeIntervalSince1970: 0) }
        let compact = String(decoding: try VigilJSON.encode(Sample()), as: UTF8.self)
        #expect(compact == #"{"alpha":"a/b","when":"1970-01-01T00:00:00.000Z","zeta":1}"#)
        let pretty = String(decoding: try VigilJSON.encode(Sample(), pretty: true), as: UTF8.self)
        #expect(pretty.contains("\n"))
        #expect(try VigilJSON.decoder.decode(Sample.self, from: Data(pretty.utf8)).when == Date(timeIntervalSince1970: 0))
        let shared = VigilJSON.encoder
        #expect(try shared.encode(Sample()) == VigilJSON.encode(Sample()))
    }

    @Test func nonFiniteNumbersAreNotEncoded() {
        #expect(throws: EncodingError.self) { _ = try VigilJSON.encode([Double.nan]) }
    }

    @Test func jsonValueRoundTrip() throws {
        let value: JSONValue = ["leads": ["I", "II"], "sampleRateHz": 500, "scale": 0.001, "flag": true,
                                "none": nil, "window": ["center": 40, "width": -400.5]]
        let data = try VigilJSON.encode(value)
        #expect(String(decoding: data, as: UTF8.self)
            == #"{"flag":true,"leads":["I","II"],"none":null,"sampleRateHz":500,"scale":0.001,"window":{"center":40,"width":-400.5}}"#)
        #expect(try VigilJSON.decode(JSONValue.self, from: data) == value)
        #expect(value["sampleRateHz"]?.intValue == 500)
        #expect(value["scale"]?.intValue == nil)
        #expect(value["leads"]?.arrayValue?.first?.stringValue == "I")
        #expect(value["flag"]?.boolValue == true)
        #expect(value["window"]?.objectValue?.count == 2)
        #expect(value.isFinite)
        #expect(!JSONValue.array([.number(.nan)]).isFinite)
    }

    @Test func codingPathRendering() {
        struct Key: CodingKey {
            var stringValue: String; var intValue: Int?
            init(stringValue: String) { self.stringValue = stringValue }
            init(intValue: Int) { self.stringValue = "Index \(intValue)"; self.intValue = intValue }
        }
        #expect(VigilJSON.path([Key(stringValue: "evaluation"), Key(intValue: 0), Key(stringValue: "metrics"),
                                Key(intValue: 1), Key(stringValue: "value")]) == "evaluation[0].metrics[1].value")
        #expect(VigilJSON.path([]) == "(root)")
        #expect(VigilJSON.path([Key(intValue: 3)]) == "[3]")
    }
}
