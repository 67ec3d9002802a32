import Foundation
import WorkbenchExperiments

exit(WorkbenchCLI.main(CommandLine.arguments))
