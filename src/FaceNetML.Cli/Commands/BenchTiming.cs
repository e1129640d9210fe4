using System.Diagnostics;

namespace FaceNetML.Cli.Commands;

/// <summary>Timing for <c>bench</c>: after a warm-up, the best of several rounds, which on a shared machine is the
/// least disturbed estimate of what the code costs.</summary>
internal static class BenchTiming
{
    /// <summary>Milliseconds per call: the lowest round average over <paramref name="rounds"/> rounds of <paramref name="calls"/> calls.</summary>
    public static double BestOf(int rounds, int calls, Action action)
    {
        for (int i = 0; i < 5; i++) action();
        double best = double.MaxValue;
        var watch = new Stopwatch();
        for (int r = 0; r < rounds; r++)
        {
            watch.Restart();
            for (int i = 0; i < calls; i++) action();
            best = Math.Min(best, watch.Elapsed.TotalMilliseconds / calls);
        }
        return best;
    }
}
