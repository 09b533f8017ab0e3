import COpenBLAS
import Foundation
import TensorCore

/// What the CPU description says: model name and feature flags.
public struct CPUDescription: Sendable, Hashable {
    /// `model name` (x86) or `CPU part`/`Hardware` (Arm), when given.
    public var modelName: String?
    /// Feature flags, lowercase (`avx2`, `fma`, `avx512f`, … on x86; `asimd`, `sve` on Arm).
    public var flags: Set<String>

    /// Parses `/proc/cpuinfo` text (the first processor's lines are enough: all cores share the flags).
    public init(cpuinfo text: String) {
        var model: String?
        var flags: Set<String> = []
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if model == nil, key == "model name" || key == "hardware" { model = value }
            if flags.isEmpty, key == "flags" || key == "features" {
                flags = Set(value.split(separator: " ").map { $0.lowercased() })
            }
        }
        modelName = model
        self.flags = flags
    }
}

/// CPU features, the tensor core's thread setting, and OpenBLAS's build and threading.
enum CPUChecks {
    static func run(_ setup: DoctorSetup) -> [DoctorCheck] {
        [cpu(setup), threads(setup), openBLAS(setup)]
    }

    static func cpu(_ setup: DoctorSetup) -> DoctorCheck {
        guard let text = try? String(contentsOf: setup.cpuinfo, encoding: .utf8) else {
            return DoctorCheck("cpu", .warning, "cannot read \(setup.cpuinfo.path): CPU features unknown (\(setup.cores) cores visible)",
                               fix: "none needed to run; `vigil bench tensor` measures what the CPU achieves")
        }
        let cpu = CPUDescription(cpuinfo: text)
        let name = cpu.modelName.map { "\($0), " } ?? ""
        #if arch(x86_64)
        func has(_ f: String) -> String { cpu.flags.contains(f) ? "yes" : "no" }
        let avx512 = ["avx512f", "avx512bw", "avx512vl"].filter(cpu.flags.contains)
        let line = "\(name)\(setup.cores) cores visible; AVX2 \(has("avx2")), FMA \(has("fma")), AVX-512 "
            + (avx512.isEmpty ? "no" : "yes (\(avx512.map { $0.dropFirst(6).uppercased() }.joined(separator: ", ")))")
            + "; OpenBLAS picks its kernels for them at run time, Vigil's own kernels use baseline x86-64 SIMD"
        if cpu.flags.contains("avx2") && cpu.flags.contains("fma") {
            return DoctorCheck("cpu", .ok, line)
        }
        return DoctorCheck("cpu", .warning, line + ": without AVX2 and FMA, matrix products run several times slower",
                           fix: "nothing to configure; expect lower throughput (`vigil bench tensor` measures it), or run on a CPU with AVX2 and FMA")
        #else
        let simd = cpu.flags.contains("asimd") ? "NEON yes" : "NEON no"
        return DoctorCheck("cpu", .ok, "\(name)\(setup.cores) cores visible; \(simd)\(cpu.flags.contains("sve") ? ", SVE yes" : "")")
        #endif
    }

    static func threads(_ setup: DoctorSetup) -> DoctorCheck {
        let raw = setup.environment["VIGIL_THREADS"]
        let origin: String
        if let raw, !raw.isEmpty {
            guard let n = Int(raw), n > 0 else {
                return DoctorCheck("threads", .warning,
                                   "VIGIL_THREADS='\(raw.prefix(20))' is not a positive whole number and is ignored; the tensor core uses \(setup.threads) threads",
                                   fix: "set VIGIL_THREADS to a number from 1 to \(setup.cores), or unset it to use every core")
            }
            origin = "from VIGIL_THREADS"
        } else {
            origin = setup.threads == setup.cores ? "every visible core" : "set for this command"
        }
        let line = "tensor core threads: \(setup.threads) (\(origin)); --threads N overrides it per command"
        if setup.threads > setup.cores {
            return DoctorCheck("threads", .warning, line + ", but only \(setup.cores) cores are visible: threads wait on each other",
                               fix: "set VIGIL_THREADS=\(setup.cores) or lower")
        }
        return DoctorCheck("threads", .ok, line)
    }

    static func openBLAS(_ setup: DoctorSetup) -> DoctorCheck {
        let config = openblas_get_config().map { String(cString: $0) }?.trimmingCharacters(in: .whitespaces) ?? ""
        let core = openblas_get_corename().map { String(cString: $0) } ?? "?"
        let build: String
        switch openblas_get_parallel() {
        case 0: build = "single-threaded build"
        case 1: build = "pthreads build"
        case 2: build = "OpenMP build"
        default: build = "unknown threading build"
        }
        // A small product through the tensor core: it pins OpenBLAS to one thread before its first call.
        let a = Tensor(shape: [8, 8], storage: [Float](repeating: 1, count: 64))
        let product = Gemm.matmul(a, a)
        let blasThreads = openblas_get_num_threads()
        let name = config.isEmpty ? "OpenBLAS" : config
        guard product.storage.first == 8 else {
            return DoctorCheck("openblas", .error, "\(name): an 8×8 product came out wrong (\(product.storage.first ?? .nan), expected 8)",
                               fix: "reinstall libopenblas-dev (Tools/setup.sh) and rebuild")
        }
        var line = "\(name) (\(build), core \(core)): OpenBLAS runs \(blasThreads) thread\(blasThreads == 1 ? "" : "s") per call "
            + "under Vigil's \(setup.threads), no nested thread pools"
        for variable in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"] {
            if let v = setup.environment[variable], !v.isEmpty, v != "1" { line += "; \(variable)=\(v.prefix(8)) is overridden" }
        }
        if blasThreads != 1 {
            return DoctorCheck("openblas", .warning, "\(name) (\(build), core \(core)) runs \(blasThreads) threads inside each of Vigil's \(setup.threads): the cores are oversubscribed",
                               fix: "set OPENBLAS_NUM_THREADS=1")
        }
        return DoctorCheck("openblas", .ok, line)
    }
}
