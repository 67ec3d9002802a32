import Foundation
import WorkbenchModel

/// Picks a fast, verified OpenBLAS kernel when the linked OpenBLAS does not know this CPU.
///
/// Debian's OpenBLAS 0.3.21 falls back to its generic SSE3 "Prescott" kernels on CPUs newer than it
/// knows (e.g. Xeon family 6 model 207 with AVX-512), which run single-precision GEMM about 5× slower
/// than its AVX-512 "SkylakeX" kernels (benchmarks/RESULTS.md). OpenBLAS reads `OPENBLAS_CORETYPE` only
/// when it is loaded, so the `workbench` executable re-executes itself once with the variable set:
///
/// | CPU flags (from /proc/cpuinfo)              | OPENBLAS_CORETYPE |
/// | ------------------------------------------- | ----------------- |
/// | avx512f, avx512dq, avx512bw, avx512vl       | SkylakeX          |
/// | avx2, fma                                   | Haswell           |
///
/// Nothing happens when `OPENBLAS_CORETYPE` is already set (set it to `Prescott` to keep the generic
/// kernels; any value overrides this choice), when OpenBLAS picked a real core itself, or when the
/// CPU has neither flag set. The kernel in use is recorded in each run's environment (`blas_core`):
/// results are bit-identical for any thread count within one kernel, but differ between kernels.
public enum BLASKernelChoice {
    /// Kernel names in order of preference with the CPU flags each needs.
    static let table: [(core: String, flags: [String])] = [
        ("SkylakeX", ["avx512f", "avx512dq", "avx512bw", "avx512vl"]),
        ("Haswell", ["avx2", "fma"]),
    ]

    /// The kernel to switch to, or nil to keep what OpenBLAS chose.
    static func choice(environment: [String: String], currentCore: String, cpuFlags: Set<String>) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil, currentCore == "Prescott" else { return nil }
        return table.first { $0.flags.allSatisfy(cpuFlags.contains) }?.core
    }

    /// The `flags` line of /proc/cpuinfo as a set (empty when unreadable).
    static func cpuFlags() -> Set<String> {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":")
        else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// Called first thing by the `workbench` executable: re-executes it with `OPENBLAS_CORETYPE` set
    /// when `choice` says so. Returns (keeping the current kernel) if the exec fails.
    public static func reexecuteIfBetterKernel(_ arguments: [String]) {
        guard let core = choice(environment: ProcessInfo.processInfo.environment,
                                currentCore: BLASInfo.coreName, cpuFlags: cpuFlags())
        else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &argv)
        // exec failed: keep running with the kernel already loaded, and say so in the environment.
        unsetenv("OPENBLAS_CORETYPE")
        for pointer in argv { free(pointer) }
    }
}
