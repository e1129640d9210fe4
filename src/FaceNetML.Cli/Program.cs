// facenetml: the command line lives in CliApp, which the facenetml-train tool runs too.
return FaceNetML.Cli.CliApp.Run(args);
