import DetectorKit
import Foundation
import Testing

@Suite struct ModelsDirectoryTests {
    @Test func theEnvironmentVariableWinsAndAnEmptyOneIsIgnored() {
        #expect(ModelsDirectory.resolve(environment: ["VIGIL_MODELS": "/srv/vigil/models"]).path == "/srv/vigil/models")
        let cwdModels = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Models").path
        #expect(ModelsDirectory.resolve(environment: ["VIGIL_MODELS": ""]).path == cwdModels)
        #expect(ModelsDirectory.resolve(environment: [:]).path == cwdModels)
    }
}
