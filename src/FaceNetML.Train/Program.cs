// facenetml-train: the facenetml command line, run with libtorch beside it (see FaceNetML.Train.csproj).
return FaceNetML.Cli.CliApp.Run(args);
