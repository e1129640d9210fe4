using System.Diagnostics;
using System.Globalization;

namespace FaceNetML.Cli;

/// <summary>
/// Runs a program to the end and measures its peak resident memory: the kernel's high-water mark
/// (<c>VmHWM</c> in <c>/proc/PID/status</c>), read every few milliseconds while it runs. The mark never goes
/// down, so the last reading is the peak up to a few milliseconds before exit. Used by <c>bench --memory</c>
/// and by the tests that hold <c>facenetml</c> to its memory budget.
/// </summary>
internal static class MeasuredProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, long PeakRssBytes, TimeSpan Elapsed);

    public static Result Run(ProcessStartInfo start, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {start.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!process.WaitForExit(5))
        {
            peak = Math.Max(peak, HighWaterMark(process.Id));
            if (watch.Elapsed > timeout)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish in {timeout}");
            }
        }
        var elapsed = watch.Elapsed;
        return new Result(process.ExitCode, stdout.Result, stderr.Result, peak, elapsed);
    }

    /// <summary>VmHWM of a running process in bytes; 0 once it is gone (or where /proc does not exist).</summary>
    private static long HighWaterMark(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return 0;
    }
}
