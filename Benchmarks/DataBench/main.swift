// Data-pipeline benchmark: prints figures; how to rerun is in benchmarks/RESULTS.md.
import Foundation
import WorkbenchData

print("workbench-data-bench: no benchmarks yet")
