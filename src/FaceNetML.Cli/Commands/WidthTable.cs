using System.Diagnostics;
using FaceNetML.Embedding;
using FaceNetML.Trainers.FastFaceNet;
using FaceNetML.Trainers.Native;

namespace FaceNetML.Cli.Commands;

/// <summary>
/// The paper's Table 5 columns measured here: for each width θ and input size, an untrained Fast-FaceNet
/// exported to ONNX (speed does not depend on the weights), its params and multiply-adds (exact counter,
/// 128-d embedding head, BN folded) and the time per face through ONNX Runtime via <see cref="FaceEmbedder"/>,
/// as float32 and as int8 (QDQ convolutions; the activation ranges of untrained weights do not change the speed).
/// </summary>
internal static class WidthTable
{
    public static readonly double[] Widths = [0.25, 0.5, 0.75, 1.0];
    public static readonly int[] InputSizes = [112, 160, 224];

    public sealed record Row(string Name, double Width, int InputSize, long Params, double Mmacs, double MsPerFace, int Threads, string Precision);

    public static IReadOnlyList<Row> Measure(int threads, int reps = 50)
    {
        TorchRuntime.Initialize(1);
        var dir = Path.Combine(Path.GetTempPath(), "facenetml-widths-" + Environment.ProcessId);
        var rows = new List<Row>();
        try
        {
            foreach (var width in Widths)
            {
                using var network = new FastFaceNetNetwork(width);
                network.eval();
                foreach (var size in InputSizes)
                {
                    var rng = new Random(1);
                    var input = Enumerable.Range(0, size * size * 3).Select(_ => rng.NextSingle() * 2 - 1).ToArray();
                    float[] ranges;
                    using (var calibration = TorchSharp.torch.rand(8, 3, size, size) * 2 - 1) ranges = ActivationRanges.Measure(network, calibration);
                    foreach (var int8 in new[] { false, true })
                    {
                        var model = FastFaceNetExporter.Save(network, size, Path.Combine(dir, $"w{width}-{size}{(int8 ? "-int8" : "")}"), threshold: 1f,
                            int8Ranges: int8 ? ranges : null);
                        using var embedder = new FaceEmbedder(model, threads);
                        double ms = BenchTiming.BestOf(3, reps, () => embedder.Run(input, 1));
                        rows.Add(new Row("fastfacenet", width, size, model.Manifest.Parameters, Math.Round(model.Manifest.MultiplyAdds / 1e6, 1), Math.Round(ms, 2), threads,
                            int8 ? "int8" : "float32"));
                    }
                }
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
        return rows;
    }
}
