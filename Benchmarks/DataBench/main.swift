// Data-pipeline benchmark: prints figures; how to rerun is in benchmarks/RESULTS.md.
// Usage: workbench-data-bench [load|png|stream|all]
import Foundation
import WorkbenchData

let which = CommandLine.arguments.dropFirst().first ?? "all"
switch which {
case "load": try runLoadBenchmark()
case "png": try runPNGBenchmark()
case "stream": try runStreamBenchmark()
case "all":
    try runLoadBenchmark()
    try runPNGBenchmark()
    try runStreamBenchmark()
default:
    FileHandle.standardError.write("workbench-data-bench: unknown benchmark '\(which)' (expected load|png|stream|all)\n".data(using: .utf8)!)
    exit(64)
}
