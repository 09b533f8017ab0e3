import Foundation
import Testing

/// A real MCP client against `vigil serve`: Tools/mcp/e2e.sh starts the built binary, stores a SampleData record,
/// and runs Tools/mcp/client.py, the official MCP Python SDK over streamable HTTP, with the assistant token
/// (initialize, tools/list with schemas and annotations, explain_findings and the other three tools, a model-card
/// resource, 401 without a token); then a reader token must get 403 and the audit log must name the assistant's
/// token for the MCP calls. The SDK comes from the validators environment Tools/setup.sh makes (a missing `mcp` there fails
/// the script with Python's import error).
@Suite struct MCPClientTests {
    static var python: String {
        (ProcessInfo.processInfo.environment["VIGIL_VALIDATORS"] ?? "/var/cache/vigil/validators") + "/bin/python"
    }

    @Test func theOfficialPythonClientListsTheToolsAndExplainsAStoredRecord() throws {
        guard ToolScript.present([Self.python, "/usr/bin/curl"], test: "MCPClientTests",
                                 install: "Tools/setup.sh makes the validators environment (Tools/hl7/validators-venv.sh)")
        else { return }
        let vigil = try #require(VigilBinary.locate(), "build vigil first (swift build)")
        let result = try ToolScript.run(
            "Tools/mcp/e2e.sh",
            environment: ["VIGIL": vigil.path, "PYTHON": Self.python, "MODELS": VigilBinary.root.appendingPathComponent("Models").path],
            timeout: 300)
        #expect(!result.timedOut, "e2e did not end within 300 s: \(result.output.suffix(1500))")
        #expect(result.status == 0, "\(result.output.suffix(2500))")
        #expect(result.output.contains("e2e: reader token on /mcp: 403"))
        #expect(result.output.contains("e2e: MCP calls audited as token:"))
        #expect(result.output.contains("client.py: OK"))
        #expect(result.output.contains("e2e: OK"))
    }
}
