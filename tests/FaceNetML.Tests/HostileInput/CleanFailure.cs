using System.Text.Json;
using FaceNetML.Tests.Cli;

namespace FaceNetML.Tests.HostileInput;

/// <summary>What every refused input must look like: the exit code, one <c>error:</c> line on stderr, no stack
/// trace, and under <c>--json</c> exactly one JSON object on stdout carrying <c>error</c> and <c>code</c>.</summary>
internal static class CleanFailure
{
    /// <summary>Checks a run made with <c>--json</c>; returns the JSON answer.</summary>
    public static JsonElement Assert(CliRunner.Result r, int code, string? errorContains = null)
    {
        var context = $"stdout: {r.Stdout}\nstderr: {r.Stderr}";
        Microsoft.VisualStudio.TestTools.UnitTesting.Assert.AreEqual(code, r.ExitCode, context);
        Microsoft.VisualStudio.TestTools.UnitTesting.Assert.IsFalse(r.Stderr.Contains("   at ") || r.Stdout.Contains("   at "), "no stack trace: " + context);
        var errors = Lines(r.Stderr);
        Microsoft.VisualStudio.TestTools.UnitTesting.Assert.AreEqual(1, errors.Count, "one stderr line: " + context);
        StringAssert.StartsWith(errors[0], "error: ", context);
        var json = Answer(r);
        Microsoft.VisualStudio.TestTools.UnitTesting.Assert.AreEqual(code, json.GetProperty("code").GetInt32(), context);
        var error = json.GetProperty("error").GetString()!;
        Microsoft.VisualStudio.TestTools.UnitTesting.Assert.IsFalse(string.IsNullOrWhiteSpace(error), context);
        Microsoft.VisualStudio.TestTools.UnitTesting.Assert.AreEqual(errors[0]["error: ".Length..], error, "the JSON error is the stderr line");
        if (errorContains is not null) StringAssert.Contains(error, errorContains, context);
        return json;
    }

    /// <summary>Stdout holds exactly one line, one JSON object (parsing fails on anything after it).</summary>
    public static JsonElement Answer(CliRunner.Result r)
    {
        var lines = Lines(r.Stdout);
        Microsoft.VisualStudio.TestTools.UnitTesting.Assert.AreEqual(1, lines.Count, "one JSON object on stdout: " + r.Stdout + "\nstderr: " + r.Stderr);
        var root = JsonDocument.Parse(lines[0]).RootElement;
        Microsoft.VisualStudio.TestTools.UnitTesting.Assert.AreEqual(JsonValueKind.Object, root.ValueKind, r.Stdout);
        return root;
    }

    public static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
