import COpenBLAS

/// Matrix products on OpenBLAS `cblas_sgemm`: the kernel that convolutions and dense layers lower to.
///
/// ```swift
/// let y = Gemm.matmul(a, b)                        // numpy.matmul semantics, batch dims broadcast
/// let z = Gemm.linear(x, weight: w, bias: b)       // x·wᵀ + b, PyTorch Linear layout
/// ```
public enum Gemm {
    /// C = alpha · op(A) · op(B) + beta · C for row-major matrices; `op` transposes when asked.
    /// - Parameters:
    ///   - m: rows of op(A) and C; `n`: columns of op(B) and C; `k`: the shared dimension.
    ///   - lda/ldb/ldc: row strides (leading dimensions) of the stored matrices, in elements.
    @inlinable
    public static func sgemm(transposeA: Bool = false, transposeB: Bool = false,
                             m: Int, n: Int, k: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = TensorThreads.applyOnce
        if m == 0 || n == 0 { return }
        if k == 0 {
            // BLAS leaves C scaled by beta when k == 0; do the same explicitly.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
            return
        }
        // Large products are split into independent blocks of C, one per thread (OpenBLAS itself runs
        // single-threaded; see TensorThreads).
        let threads = TensorThreads.isInParallelRegion ? 1 : min(TensorThreads.count, max(1, (2 * m * n * k) / 2_000_000))
        if threads > 1 && max(m, n) >= 2 * threads * 8 {
            let splitN = n >= m
            let extent = splitN ? n : m
            // Block edges on multiples of 16 keep the kernels' vector widths aligned.
            let step = ((extent + threads - 1) / threads + 15) / 16 * 16
            let chunks = (extent + step - 1) / step
            TensorThreads.parallelChunks(chunks) { t in
                let lo = t * step, hi = min(extent, lo + step)
                if splitN {
                    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                                Int32(m), Int32(hi - lo), Int32(k), alpha, a, Int32(lda),
                                transposeB ? b + lo * ldb : b + lo, Int32(ldb), beta, c + lo, Int32(ldc))
                } else {
                    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                                Int32(hi - lo), Int32(n), Int32(k), alpha, transposeA ? a + lo : a + lo * lda, Int32(lda),
                                b, Int32(ldb), beta, c + lo * ldc, Int32(ldc))
                }
            }
            return
        }
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// The output shape of `numpy.matmul(a, b)` (and ONNX MatMul), or `nil` when the shapes do not combine.
    public static func matmulShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        guard !a.isEmpty, !b.isEmpty else { return nil }
        let a2 = a.count == 1 ? [1, a[0]] : a
        let b2 = b.count == 1 ? [b[0], 1] : b
        guard a2[a2.count - 1] == b2[b2.count - 2] else { return nil }
        guard let batch = Broadcast.shape(Array(a2.dropLast(2)), Array(b2.dropLast(2))) else { return nil }
        var out = batch + [a2[a2.count - 2], b2[b2.count - 1]]
        if b.count == 1 { out.removeLast() }
        if a.count == 1 { out.remove(at: out.count - (b.count == 1 ? 1 : 2)) }
        return out
    }

    /// numpy.matmul / ONNX MatMul on raw buffers: batch dimensions broadcast, 1-D operands promoted.
    public static func matmul(_ a: UnsafePointer<Float>, shape aShape: [Int],
                              _ b: UnsafePointer<Float>, shape bShape: [Int],
                              into c: UnsafeMutablePointer<Float>) {
        guard matmulShape(aShape, bShape) != nil else {
            preconditionFailure("Gemm.matmul: shapes \(aShape) and \(bShape) do not multiply")
        }
        let a2 = aShape.count == 1 ? [1, aShape[0]] : aShape
        let b2 = bShape.count == 1 ? [bShape[0], 1] : bShape
        let m = a2[a2.count - 2], k = a2[a2.count - 1], n = b2[b2.count - 1]
        let aBatch = Array(a2.dropLast(2)), bBatch = Array(b2.dropLast(2))
        let batch = Broadcast.shape(aBatch, bBatch)!
        let batchCount = Tensor.elementCount(batch)
        if Tensor.elementCount(bBatch) == 1 && (batch == aBatch || batchCount == 1) {
            // One weight matrix for every row of A: a single large product (the common dense-layer case).
            sgemm(m: batchCount * m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: c, ldc: n)
            return
        }
        let aIndex = Broadcast.sourceOffsets(from: aBatch, to: batch)
        let bIndex = Broadcast.sourceOffsets(from: bBatch, to: batch)
        for i in 0..<batchCount {
            sgemm(m: m, n: n, k: k, a: a + aIndex[i] * m * k, lda: k, b: b + bIndex[i] * k * n, ldb: n,
                  c: c + i * m * n, ldc: n)
        }
    }

    /// numpy.matmul semantics on tensors.
    public static func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        guard let shape = matmulShape(a.shape, b.shape) else {
            preconditionFailure("Gemm.matmul: shapes \(a.shape) and \(b.shape) do not multiply")
        }
        var out = Tensor(shape: shape)
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                out.storage.withUnsafeMutableBufferPointer { pc in
                    matmul(pa.baseAddress!, shape: a.shape, pb.baseAddress!, shape: b.shape, into: pc.baseAddress!)
                }
            }
        }
        return out
    }

    /// A dense layer: `x` [N, in] times `weight` [out, in] transposed, plus `bias` [out], then `activation`.
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                              activation: Activation = .identity) -> Tensor {
        precondition(x.rank == 2 && weight.rank == 2 && x.shape[1] == weight.shape[1],
                     "Gemm.linear: input \(x.shape) does not match weight \(weight.shape) (expected [N, in] and [out, in])")
        let n = x.shape[0], inF = x.shape[1], outF = weight.shape[0]
        if let bias { precondition(bias.count == outF, "Gemm.linear: bias \(bias.shape) does not match \(outF) outputs") }
        var out = Tensor(shape: [n, outF])
        out.storage.withUnsafeMutableBufferPointer { pc in
            let c = pc.baseAddress!
            if let bias {
                for r in 0..<n { for j in 0..<outF { c[r * outF + j] = bias.storage[j] } }
            }
            x.storage.withUnsafeBufferPointer { pa in
                weight.storage.withUnsafeBufferPointer { pw in
                    sgemm(transposeB: true, m: n, n: outF, k: inF, a: pa.baseAddress!, lda: inF,
                          b: pw.baseAddress!, ldb: inF, beta: bias == nil ? 0 : 1, c: c, ldc: outF)
                }
            }
            activation.applyInPlace(c, count: n * outF)
        }
        return out
    }
}

/// NumPy-style (multidirectional) broadcasting rules, shared by element-wise kernels and MatMul.
public enum Broadcast {
    /// The broadcast shape of `a` and `b`, or `nil` when an axis pair is neither equal nor 1.
    public static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let r = max(a.count, b.count)
        var out = [Int](repeating: 1, count: r)
        for i in 0..<r {
            let da = i < r - a.count ? 1 : a[i - (r - a.count)]
            let db = i < r - b.count ? 1 : b[i - (r - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
        }
        return out
    }

    /// For each flat index of `target`, the flat index of the element of `source` it reads under
    /// broadcasting. `source` must broadcast to `target`.
    public static func sourceOffsets(from source: [Int], to target: [Int]) -> [Int] {
        let r = target.count
        let padded = [Int](repeating: 1, count: r - source.count) + source
        let srcStrides = Tensor.strides(padded)
        let total = Tensor.elementCount(target)
        var result = [Int](repeating: 0, count: total)
        if total == 0 { return result }
        var idx = [Int](repeating: 0, count: r)
        for flat in 0..<total {
            var off = 0
            for d in 0..<r where padded[d] != 1 { off += idx[d] * srcStrides[d] }
            result[flat] = off
            var d = r - 1
            while d >= 0 {
                idx[d] += 1
                if idx[d] < target[d] { break }
                idx[d] = 0
                d -= 1
            }
        }
        return result
    }
}
