@testable import WorkbenchExperiments
import XCTest

/// The OpenBLAS kernel choice table (the re-exec itself is exercised by every end-to-end test).
final class BLASKernelChoiceTests: XCTestCase {
    let avx512: Set<String> = ["sse3", "avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl"]

    func testGenericKernelOnAVX512CPUSwitchesToSkylakeX() {
        XCTAssertEqual(BLASKernelChoice.choice(environment: [:], currentCore: "Prescott", cpuFlags: avx512),
                       "SkylakeX")
        XCTAssertEqual(BLASKernelChoice.choice(environment: [:], currentCore: "Prescott",
                                               cpuFlags: ["sse3", "avx2", "fma", "avx512f"]), "Haswell")
        XCTAssertNil(BLASKernelChoice.choice(environment: [:], currentCore: "Prescott", cpuFlags: ["sse3", "avx"]))
    }

    func testAnExplicitCoreTypeOrARecognisedCPUIsLeftAlone() {
        XCTAssertNil(BLASKernelChoice.choice(environment: ["OPENBLAS_CORETYPE": "Prescott"],
                                             currentCore: "Prescott", cpuFlags: avx512))
        XCTAssertNil(BLASKernelChoice.choice(environment: [:], currentCore: "Haswell", cpuFlags: avx512))
    }

    func testCPUFlagsAreReadFromProcCpuinfo() {
        // Every x86-64 CPU Linux runs on reports sse2; elsewhere the set may be empty but never crashes.
        let flags = BLASKernelChoice.cpuFlags()
        #if arch(x86_64)
        XCTAssertTrue(flags.contains("sse2"), "\(flags.prefix(10))")
        #endif
    }
}
