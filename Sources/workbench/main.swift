import WorkbenchExperiments

print("workbench \(Workbench.version)")
