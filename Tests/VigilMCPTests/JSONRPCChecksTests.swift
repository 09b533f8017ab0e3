import Foundation
import Testing
@testable import VigilMCP

/// The endpoint's own checks before the SDK: Accept ranges that take JSON, and JSON-RPC 2.0 message rules.
@Suite struct JSONRPCChecksTests {
    @Test func acceptRangesThatTakeJSON() {
        #expect(VigilMCPEndpoint.acceptsJSONByWildcard([]))
        #expect(VigilMCPEndpoint.acceptsJSONByWildcard(["*/*"]))
        #expect(VigilMCPEndpoint.acceptsJSONByWildcard(["text/html", "application/*;q=0.5"]))
        #expect(!VigilMCPEndpoint.acceptsJSONByWildcard(["text/html, */*;q=0"]))
        #expect(!VigilMCPEndpoint.acceptsJSONByWildcard(["application/json, text/event-stream"]))
        #expect(!VigilMCPEndpoint.acceptsJSONByWildcard(["text/html"]))
    }

    @Test func jsonRPCMessagesAreCheckedAsTheSpecificationSays() {
        let fine = [#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, #"{"jsonrpc":"2.0","id":"a","method":"x","params":[]}"#,
                    #"{"jsonrpc":"2.0","id":null,"method":"x","params":{}}"#, #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
                    #"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#, "not json"]
        for body in fine { #expect(VigilMCPEndpoint.jsonRPCDefect(Data(body.utf8)) == nil, "\(body)") }
        let bad = [#"{"id":1,"method":"x"}"#, #"{"jsonrpc":"1.0","method":"x"}"#, #"{"jsonrpc":"2.0","id":false,"method":"x"}"#,
                   #"{"jsonrpc":"2.0","id":true,"method":"x"}"#, #"{"jsonrpc":"2.0","id":{},"method":"x"}"#,
                   #"{"jsonrpc":"2.0","id":1,"method":5}"#, #"{"jsonrpc":"2.0","id":1,"result":{}}"#,
                   #"{"jsonrpc":"2.0","method":"x","extra":1}"#, #"{"jsonrpc":"2.0","method":"x","params":"p"}"#,
                   #"[{"jsonrpc":"2.0","method":"x"},{"method":"y"}]"#, "5"]
        for body in bad { #expect(VigilMCPEndpoint.jsonRPCDefect(Data(body.utf8)) != nil, "\(body)") }
    }
}
