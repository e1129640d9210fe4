using System.CommandLine;
using FaceNetML;
using FaceNetML.Cli;
using FaceNetML.Cli.Commands;
using FaceNetML.Models;

var root = new RootCommand("facenetml: face detection, embedding, verification and LFW evaluation (FaceNetML)")
{
    CliContext.Json, CliContext.Models,
};
root.Subcommands.Add(DetectCommand.Create());
root.Subcommands.Add(EmbedCommand.Create());
root.Subcommands.Add(VerifyCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(ClusterCommand.Create());
root.Subcommands.Add(EnrollCommand.Create());
root.Subcommands.Add(IdentifyCommand.Create());
root.Subcommands.Add(IdentifyRuleCommand.Create());
root.Subcommands.Add(VideoCommand.Create());
root.Subcommands.Add(TrainCommand.Create());

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    CliContext.Error($"error: {parse.Errors[0].Message} (see facenetml --help)");
    return ExitCodes.BadInput;
}
try
{
    return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (BadInputException e)
{
    CliContext.Error("error: " + e.Message);
    return ExitCodes.BadInput;
}
catch (ModelFetchException e)
{
    CliContext.Error("error: " + e.Message);
    return ExitCodes.Failure;
}
catch (Exception e) when (Environment.GetEnvironmentVariable("FACENETML_DEBUG") is null)
{
    CliContext.Error($"error: {e.GetType().Name}: {e.Message} (set FACENETML_DEBUG=1 for details)");
    return ExitCodes.Failure;
}
