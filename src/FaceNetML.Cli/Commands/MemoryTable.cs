using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FaceNetML.Imaging;

namespace FaceNetML.Cli.Commands;

/// <summary>
/// <c>bench --memory</c>: peak resident memory of <c>facenetml detect --min-face 12</c>, each run a process of its
/// own, on one photo upscaled to growing sizes, then on a photo over the pixel budget and on a 16384x16384 PNG
/// bomb (both refused from the header).
/// </summary>
internal static class MemoryTable
{
    public sealed record Row(string Image, int Width, int Height, double Megapixels, int ExitCode, int Faces, double PeakRssMb, double Seconds);

    public static readonly double[] Megapixels = [1, 6, 12, 24, 48, 64];

    public static IReadOnlyList<Row> Measure(string photo, string? models, Action<string> progress)
    {
        var source = ImageDecoder.Decode(photo);
        var dir = Directory.CreateTempSubdirectory("facenetml-bench-memory-").FullName;
        var rows = new List<Row>();
        try
        {
            foreach (double mp in Megapixels)
            {
                double s = Math.Sqrt(mp * 1e6 / ((double)source.Width * source.Height));
                int w = (int)Math.Round(source.Width * s), h = (int)Math.Round(source.Height * s);
                var file = Path.Combine(dir, $"{Path.GetFileNameWithoutExtension(photo)}-{mp:0}mp.jpg");
                ImageEncoder.SaveJpeg(AffineWarp.Resize(source, w, h), file);
                progress($"detect on {w}x{h} ...");
                rows.Add(Run(file, w, h, models));
            }
            var bomb = Path.Combine(dir, "bomb-16384x16384.png");
            UniformPng.Write(bomb, 16384, 16384);
            progress("detect on a 16384x16384 PNG ...");
            rows.Add(Run(bomb, 16384, 16384, models));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        return rows;
    }

    /// <summary><c>facenetml detect FILE --json --min-face 12</c> as a child process.</summary>
    public static ProcessStartInfo DetectCommand(string file, string? models)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(self);
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(MemoryTable).Assembly.Location);
        foreach (var a in new[] { "detect", file, "--json", "--min-face", "12" }) start.ArgumentList.Add(a);
        if (models is not null) { start.ArgumentList.Add("--models"); start.ArgumentList.Add(models); }
        return start;
    }

    private static Row Run(string file, int w, int h, string? models)
    {
        var r = MeasuredProcess.Run(DetectCommand(file, models), TimeSpan.FromMinutes(10));
        int faces = 0;
        if (r.ExitCode == ExitCodes.Success)
            faces = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("faces").GetArrayLength();
        return new Row(Path.GetFileName(file), w, h, Math.Round((double)w * h / 1e6, 1), r.ExitCode, faces,
            Math.Round(r.PeakRssBytes / 1048576.0), Math.Round(r.Elapsed.TotalSeconds, 2));
    }

    public static string Format(Row r) => string.Create(CultureInfo.InvariantCulture,
        $"  {r.Width,5}x{r.Height,-5} {r.Megapixels,6:F1} MP: exit {r.ExitCode}, {r.Faces} face(s), peak RSS {r.PeakRssMb,5:F0} MB, {r.Seconds,5:F2} s");
}
