using System.Diagnostics;
using System.Text.Json;

namespace FaceNetML.Tests.Cli;

/// <summary>Runs the real <c>facenetml</c> program (built beside the tests) as a separate process.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;
    }

    /// <summary>How to start <c>facenetml</c> with these arguments (stdout and stderr redirected).</summary>
    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "facenetml.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["FACENETML_DATA"] = TestData.DataRoot;
        return psi;
    }

    public static Result Run(params string[] args) => Run(StartInfo(args));

    /// <summary>Runs a prepared start (e.g. with another environment).</summary>
    public static Result Run(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10))) { process.Kill(true); Assert.Fail("facenetml did not finish in 10 minutes"); }
        return new Result(process.ExitCode, stdout, stderr.Result);
    }
}
