import DetectorKit
import Foundation
import Hummingbird
import Prometheus

/// The service's Prometheus metrics (one registry per service instance, so tests do not share counters):
/// requests and latency by route pattern, method and status; inferences and abstentions per detector;
/// scoring in flight and queued. Route labels are patterns (`/v1/inputs/{id}/findings`), never the path
/// with its ids; unknown paths count as `unmatched`.
public final class ServiceMetrics: Sendable {
    /// The registry `/metrics` prints.
    public let registry = PrometheusCollectorRegistry()
    let running: Gauge
    let queued: Gauge

    /// Latency buckets of the request histogram.
    static let buckets: [Duration] = [.milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250),
                                      .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
                                      .seconds(30)]

    public init() {
        running = registry.makeGauge(name: "vigil_scoring_in_flight", help: "ECG scorings running now")
        queued = registry.makeGauge(name: "vigil_scoring_queue_depth", help: "ECG scorings waiting for a slot")
    }

    func request(route: String, method: String, status: Int, seconds: Duration) {
        let labels = [("route", route), ("method", method), ("status", "\(status)")]
        registry.makeCounter(name: "vigil_http_requests_total", labels: labels, help: "HTTP requests answered")
            .increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(metricName: "vigil_http_request_duration", unitName: "seconds",
                                             helpText: "Time to the response head"),
            labels: labels, buckets: Self.buckets
        ).record(seconds)
    }

    func outcome(detector: String, _ outcome: DetectorOutcome) {
        registry.makeCounter(name: "vigil_inferences_total", labels: [("detector", detector)],
                             help: "Detector runs on scored ECG records").increment()
        if let abstention = outcome.abstention {
            registry.makeCounter(name: "vigil_abstentions_total",
                                 labels: [("detector", detector), ("reason", abstention.reason.rawValue)],
                                 help: "Detector abstentions by reason").increment()
        }
    }

    func gate(running r: Int, waiting w: Int) {
        running.set(Double(r))
        queued.set(Double(w))
    }

    /// The exposition text.
    public func text() -> String { registry.emitToString() }
}

/// Records every request in ``ServiceMetrics`` and logs one line per request: method, route pattern, status
/// and milliseconds. No ids, query strings, tokens or bodies.
struct ObserveMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)   // ProblemMiddleware inside: errors are responses here
        let elapsed = ContinuousClock.now - start
        // Route patterns start with "/"; Hummingbird names the not-found responder "NotFound".
        let route = context.endpointPath.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "unmatched"
        metrics.request(route: route, method: request.method.rawValue, status: response.status.code, seconds: elapsed)
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info("\(request.method.rawValue) \(route) \(response.status.code) \(String(format: "%.1f", ms)) ms")
        return response
    }
}
