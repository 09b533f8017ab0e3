import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

extension VigilAPI {
    /// Runs the service until SIGTERM or SIGINT, then drains: the listener closes, requests in flight are
    /// answered, and the call returns (swift-service-lifecycle's graceful shutdown).
    public func serve(host: String, port: Int, logger: Logger, idleTimeout: TimeAmount = .seconds(60),
                      onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws
    {
        let app = application(host: host, port: port, logger: logger, idleTimeout: idleTimeout, onRunning: onRunning)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
    }
}
