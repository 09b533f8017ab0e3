import Testing
@testable import TensorCore

@Suite struct GemmSmokeTests {
    @Test func matmulSmall() {
        let a = Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], storage: [7, 8, 9, 10, 11, 12])
        // Worked by hand: [[58, 64], [139, 154]].
        #expect(Gemm.matmul(a, b).storage == [58, 64, 139, 154])
    }
}
