// VigilBench: benchmarks behind `vigil bench`. (work in progress)
import TensorCore
