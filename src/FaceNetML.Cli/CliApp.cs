using System.CommandLine;
using FaceNetML.Cli.Commands;
using FaceNetML.Imaging;
using FaceNetML.Models;
using FaceNetML.Recognition;
using FaceNetML.Trainers.Native;

namespace FaceNetML.Cli;

/// <summary>
/// The whole command line of <c>facenetml</c>: parses, runs the command, turns failures into one error line and an
/// exit code. Both tools run it: <c>facenetml</c> (no libtorch) and <c>facenetml-train</c> (the same commands, with
/// libtorch for <c>train</c> and <c>bench --widths</c>).
/// </summary>
internal static class CliApp
{
    public static int Run(string[] args)
    {
        // Every command that takes a gallery accepts a postgres:// URL: the CLI ships the PostgreSQL backend.
        PostgresGalleries.Register();

        var root = CreateRoot();

        // A bare "facenetml" shows what it can do.
        if (args.Length == 0) args = ["--help"];
        // No response files: "@photo.jpg" is a file name like any other, not a list of arguments to read.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        bool json = parse.Errors.Count == 0 ? parse.GetValue(CliContext.Json) : args.Contains("--json");
        if (parse.Errors.Count > 0)
        {
            CliContext.Error($"error: {CommandSuggestion.Message(parse)} (see facenetml --help)");
            return CliContext.Finish(ExitCodes.BadInput, json);
        }
        ImageDecoder.MaxPixels = (long)Math.Max(1, parse.GetValue(CliContext.MaxMegapixels) * 1e6);
        int code;
        try
        {
            code = parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (BadInput(e) is { } bad)
        {
            CliContext.Error("error: " + bad.Message);
            code = ExitCodes.BadInput;
        }
        catch (FaceNetML.Video.FfmpegNotFoundException e)
        {
            CliContext.Error("error: " + e.Message);
            code = ExitCodes.Failure;
        }
        catch (LibTorchNotFoundException e)
        {
            CliContext.Error("error: " + e.Message);
            code = ExitCodes.Failure;
        }
        catch (ModelFetchException e)
        {
            CliContext.Error("error: " + e.Message);
            code = ExitCodes.Failure;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("FACENETML_DEBUG") is null)
        {
            CliContext.Error($"error: {e.GetType().Name}: {e.Message} (set FACENETML_DEBUG=1 for details)");
            code = ExitCodes.Failure;
        }
        return CliContext.Finish(code, json);
    }

    /// <summary>The command tree: every command, sub-command and option of <c>facenetml</c> (docs/cli.md lists them).</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("facenetml: face detection, embedding, verification and LFW evaluation (FaceNetML)")
        {
            CliContext.Json, CliContext.Models, CliContext.MaxMegapixels, CliContext.DetectionMegapixels,
        };
        root.Subcommands.Add(DetectCommand.Create());
        root.Subcommands.Add(EmbedCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(ClusterCommand.Create());
        root.Subcommands.Add(EnrollCommand.Create());
        root.Subcommands.Add(GalleryCommand.Create());
        root.Subcommands.Add(IdentifyCommand.Create());
        root.Subcommands.Add(IdentifyRuleCommand.Create());
        root.Subcommands.Add(VideoCommand.Create());
        root.Subcommands.Add(WatchCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        return root;
    }

    // A BadInputException, also when a parallel loop wrapped it.
    private static BadInputException? BadInput(Exception e) => e switch
    {
        BadInputException b => b,
        AggregateException a => a.Flatten().InnerExceptions.OfType<BadInputException>().FirstOrDefault(),
        _ => null,
    };
}
