using System.Reflection;
using FaceNetML.Trainers.Native;

namespace FaceNetML.Cli;

/// <summary>
/// The commands that run libtorch (<c>train</c>, <c>bench --widths</c>) and the tool that carries it: the
/// <c>facenetml</c> tool ships TorchSharp without libtorch (461 MB); <c>facenetml-train</c> (package FaceNetML.Train)
/// is the same command line with libtorch.
/// </summary>
internal static class TrainingTool
{
    public const string PackageId = "FaceNetML.Train";
    public const string CommandName = "facenetml-train";

    /// <summary>Fails in one line, before any work, when libtorch is not there.</summary>
    /// <param name="what">What needs libtorch, the start of the message ("training").</param>
    /// <param name="command">The command line to run with the training tool ("train ...").</param>
    /// <exception cref="LibTorchNotFoundException">libtorch is not installed beside this tool.</exception>
    public static void RequireLibTorch(string what, string command)
    {
        if (TorchRuntime.IsAvailable) return;
        if (Assembly.GetEntryAssembly()?.GetName().Name == CommandName)
            throw new LibTorchNotFoundException(
                $"{what} needs libtorch, which is missing from this installation of {CommandName} ({TorchRuntime.LibTorchFileName} not found): reinstall it (dotnet tool update -g {PackageId})");
        throw new LibTorchNotFoundException(
            $"{what} needs libtorch, which this tool does not carry: install the training tool (dotnet tool install -g {PackageId}) and run {CommandName} {command}");
    }
}
