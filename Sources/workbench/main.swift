import Foundation
import WorkbenchExperiments

BLASKernelChoice.reexecuteIfBetterKernel(CommandLine.arguments)
exit(WorkbenchCLI.main(CommandLine.arguments))
