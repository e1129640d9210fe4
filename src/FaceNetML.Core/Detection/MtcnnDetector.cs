using FaceNetML.Models;
using System.Buffers;
using System.Drawing;
using FaceNetML.Imaging;
using Microsoft.ML.OnnxRuntime;

namespace FaceNetML.Detection;

/// <summary>
/// The MTCNN face detector (Zhang et al. 2016; the kpzhang93 / davidsandberg-facenet cascade): an image
/// pyramid scanned by P-Net, candidates refined by R-Net on 24x24 crops and by O-Net on 48x48 crops, which
/// also places five landmarks. Owns three ONNX Runtime sessions; <see cref="Detect"/> is thread-safe, so one
/// detector can serve several threads (keep <see cref="MtcnnOptions.IntraOpThreads"/> at 1 when you do).
/// </summary>
/// <remarks>
/// <para>Networks, as imported from TFLite: NHWC float tensors fed <b>transposed</b> (element [x, y, c]),
/// values <c>(v - 127.5) / 128</c>; outputs picked by name (<c>prob1</c>, <c>conv4-2</c> / <c>conv5-2</c> /
/// <c>conv6-2</c> box regression, <c>conv6-3</c> landmarks). Face probability is channel 1. Because the
/// nets see transposed images, regression channel 0 and landmark values 0..4 are image x.</para>
/// <para>Box coordinates are continuous (pixel (i, j) covers [i, i+1) x [j, j+1)), width = <c>right - left</c>,
/// the convention of <see cref="AffineWarp.CropResize"/>. The original's 1-based inclusive boxes are the same
/// boxes with the left/top edge one higher, so its "+1" widths, regression and NMS areas carry over unchanged.
/// P-Net windows are the exact receptive field of an output cell, <c>[2a, 2a+12)</c> divided by the level's
/// size ratio, rather than the original's truncated <c>fix((2a+1)/s)</c>: on LFW-a both miss 6 of 3,811 faces.
/// Crops are fractional (bilinear), not truncated to whole pixels. Landmarks are <c>left + l * w</c>, the
/// numbers the original returns (its <c>x1 - 1 + l * w</c>). Returned boxes are not clipped to the image.</para>
/// </remarks>
public sealed class MtcnnDetector : IDisposable
{
    private const float Mean = 127.5f, Scale = 0.0078125f;
    private const int RNetSize = 24, ONetSize = 48;

    private readonly SessionOptions _sessionOptions;
    private readonly RunOptions _runOptions = new();

    // P-Net runs on whole pyramid levels, whose sizes change with every image. ONNX Runtime's arena keeps what it
    // once reserved and grows with fragmentation (a batch of two 48 MP photos peaked at 2.4 GB): after a pyramid
    // whose largest level passed ShrinkAfterPixels, its last level runs with these options, which hand the arena's
    // unused regions back when the run ends (1.5 GB for the same batch). Small images keep the arena as it is.
    private readonly RunOptions _shrinkArena = new();
    private const long ShrinkAfterPixels = 1_000_000;
    private readonly InferenceSession _pnet, _rnet, _onet;
    private readonly string[] _pIn, _rIn, _oIn;
    private readonly string[] _pOut, _rOut, _oOut;
    private volatile bool _disposed;

    /// <summary>Loads the three networks from ONNX files.</summary>
    public MtcnnDetector(string pnetPath, string rnetPath, string onetPath, MtcnnOptions? options = null)
        : this(options, so => Load(pnetPath, so), so => Load(rnetPath, so), so => Load(onetPath, so))
    {
    }

    /// <summary>Loads the three networks from ONNX bytes.</summary>
    public MtcnnDetector(byte[] pnetModel, byte[] rnetModel, byte[] onetModel, MtcnnOptions? options = null)
        : this(options, so => Load(pnetModel, "P-Net", so), so => Load(rnetModel, "R-Net", so), so => Load(onetModel, "O-Net", so))
    {
    }

    private MtcnnDetector(MtcnnOptions? options, Func<SessionOptions, InferenceSession> pnet,
        Func<SessionOptions, InferenceSession> rnet, Func<SessionOptions, InferenceSession> onet)
    {
        Options = options ?? new MtcnnOptions();
        Options.Validate();
        _sessionOptions = Models.OnnxSessionFactory.Options(Options.IntraOpThreads);
        _shrinkArena.AddRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");
        try
        {
            _pnet = pnet(_sessionOptions);
            _rnet = rnet(_sessionOptions);
            _onet = onet(_sessionOptions);
            _pIn = [SingleInput(_pnet, "P-Net")];
            _rIn = [SingleInput(_rnet, "R-Net")];
            _oIn = [SingleInput(_onet, "O-Net")];
            _pOut = [FindOutput(_pnet, "P-Net", "prob1"), FindOutput(_pnet, "P-Net", "conv4-2")];
            _rOut = [FindOutput(_rnet, "R-Net", "prob1"), FindOutput(_rnet, "R-Net", "conv5-2")];
            _oOut = [FindOutput(_onet, "O-Net", "prob1"), FindOutput(_onet, "O-Net", "conv6-2"), FindOutput(_onet, "O-Net", "conv6-3")];
        }
        catch
        {
            _pnet?.Dispose();
            _rnet?.Dispose();
            _onet?.Dispose();
            _runOptions.Dispose();
            _shrinkArena.Dispose();
            _sessionOptions.Dispose();
            throw;
        }
    }

    /// <summary>Creates a detector from the model store's <c>mtcnn-pnet</c>, <c>mtcnn-rnet</c> and
    /// <c>mtcnn-onet</c> (imported on first use).</summary>
    public static MtcnnDetector CreateDefault(MtcnnOptions? options = null, Models.ModelStore? store = null)
    {
        store ??= Models.ModelStore.Default;
        return new MtcnnDetector(store.Get("mtcnn-pnet").OnnxPath, store.Get("mtcnn-rnet").OnnxPath,
            store.Get("mtcnn-onet").OnnxPath, options);
    }

    public MtcnnOptions Options { get; }

    /// <summary>
    /// Finds the faces in <paramref name="image"/>: boxes in source pixels, O-Net probability as score and five
    /// landmarks (left eye, right eye, nose, left and right mouth corners as seen in the image), sorted by box
    /// area, largest first. Images smaller than 12 / <see cref="MtcnnOptions.MinFaceSize"/> of a 12-pixel window give none.
    /// </summary>
    public IReadOnlyList<DetectedFace> Detect(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        ObjectDisposedException.ThrowIf(_disposed, this);

        // Large photos are searched on a downscaled copy (at most MaxDetectionPixels), which bounds the pyramid's
        // memory (150-200 bytes per pixel of its largest level) whatever the photo's size. The smallest face
        // keeps its size in photo pixels when the copy allows it, else becomes 12 copy pixels.
        var copy = DetectionCopy(image);
        double s = (double)copy.Width / image.Width;
        double minFace = Math.Max(MtcnnOptions.SmallestMinFaceSize, Options.MinFaceSize * s);
        var boxes = ProposeWindows(copy, minFace);
        if (boxes.Count == 0)
            return [];
        boxes = Refine(copy, boxes);
        if (boxes.Count == 0)
            return [];
        var faces = Finish(copy, boxes);
        return ReferenceEquals(copy, image) ? faces : ToSource(faces, (float)image.Width / copy.Width, (float)image.Height / copy.Height);
    }

    /// <summary>The image itself, or a copy downscaled to at most <see cref="MtcnnOptions.MaxDetectionPixels"/>.</summary>
    internal RgbImage DetectionCopy(RgbImage image)
    {
        long pixels = (long)image.Width * image.Height;
        if (pixels <= Options.MaxDetectionPixels)
            return image;
        double s = Math.Sqrt((double)Options.MaxDetectionPixels / pixels);
        return Downscale(image, Math.Max(1, (int)(image.Width * s)), Math.Max(1, (int)(image.Height * s)));
    }

    /// <summary>Faces found on a copy, in the source's pixels (the copy's pixel-centre-aligned resize scales edges exactly).</summary>
    private static List<DetectedFace> ToSource(IReadOnlyList<DetectedFace> faces, float sx, float sy) => faces
        .Select(f => new DetectedFace(
            new RectangleF(f.Box.X * sx, f.Box.Y * sy, f.Box.Width * sx, f.Box.Height * sy), f.Score,
            f.Landmarks?.Select(p => new PointF(p.X * sx, p.Y * sy)).ToArray()))
        .ToList();

    /// <summary>
    /// A smaller image, resized by halves first while the step would shrink more than 2x (a bilinear halving is
    /// exactly a 2x2 box filter; one bilinear step down to a few percent aliases badly).
    /// </summary>
    private static RgbImage Downscale(RgbImage image, int width, int height)
    {
        while (image.Width >= 2 * width && image.Height >= 2 * height)
            image = AffineWarp.Resize(image, (image.Width + 1) / 2, (image.Height + 1) / 2);
        return AffineWarp.Resize(image, width, height);
    }

    /// <summary>Stage 1: P-Net over the pyramid; NMS per scale and across scales; regress; square.</summary>
    internal List<Candidate> ProposeWindows(RgbImage image, double minFaceSize)
    {
        var o = Options;
        var scales = MtcnnMath.PyramidScales(image.Width, image.Height, minFaceSize, o.ScaleFactor);
        var all = new List<Candidate>();
        if (scales.Count == 0)
            return all;

        var (w0, h0) = MtcnnMath.ScaledSize(image.Width, image.Height, scales[0]);
        float[] buffer = ArrayPool<float>.Shared.Rent(checked(w0 * h0 * 3));
        var level = new List<Candidate>();
        try
        {
            // Each level is resized from the previous one (steps of ~0.709), not from the source: one bilinear
            // step down to a few percent aliases so badly that P-Net misses large faces (LFW-a: 51 of 3,811
            // images without a face from the source, 6 chained; the numpy original uses cv2's INTER_AREA).
            // Chained pixel-centre-aligned resizes compose to the direct map, so level pixel u still sits at
            // source (u + 0.5) * W / ws - 0.5 and the window geometry below is exact.
            var previous = image;
            for (int levelIndex = 0; levelIndex < scales.Count; levelIndex++)
            {
                double s = scales[levelIndex];
                var (ws, hs) = MtcnnMath.ScaledSize(image.Width, image.Height, s);
                // Steps that would shrink more than 2x (the first level of a large MinFaceSize) go by halves first.
                var resized = Downscale(previous, ws, hs);
                previous = resized;
                int n = ws * hs * 3;
                TensorPacker.Pack(resized, buffer.AsSpan(0, n), Mean, Scale, transposed: true);

                using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                    buffer.AsMemory(0, n), [1, ws, hs, 3]);
                bool shrink = levelIndex == scales.Count - 1 && (long)w0 * h0 > ShrinkAfterPixels;
                using var outputs = _pnet.Run(shrink ? _shrinkArena : _runOptions, _pIn, [input], _pOut);
                var shape = outputs[0].GetTensorTypeAndShape().Shape;
                int outW = ws >= MtcnnMath.CellSize ? (ws - 2 + 1) / 2 - 4 : 0; // conv3, pool2 SAME, conv3, conv3
                int outH = hs >= MtcnnMath.CellSize ? (hs - 2 + 1) / 2 - 4 : 0;
                if (shape.Length != 4 || shape[0] != 1 || shape[1] != outW || shape[2] != outH || shape[3] != 2)
                    throw new InvalidOperationException(
                        $"P-Net output '{_pOut[0]}' has shape [{string.Join(",", shape)}] for input [1,{ws},{hs},3]; expected [1,{outW},{outH},2] (NHWC)");
                var prob = outputs[0].GetTensorDataAsSpan<float>();
                var reg = outputs[1].GetTensorDataAsSpan<float>();
                if (reg.Length != outW * outH * 4)
                    throw new InvalidOperationException($"P-Net output '{_pOut[1]}' has {reg.Length} values; expected {outW * outH * 4}");

                level.Clear();
                MtcnnMath.GenerateWindows(prob, reg, outW, outH, (double)ws / image.Width, (double)hs / image.Height,
                    o.PNetThreshold, level);
                if (level.Count > 0)
                    all.AddRange(MtcnnMath.Nms(level, o.PNetScaleNmsThreshold, NmsMethod.Union));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }

        if (all.Count == 0)
            return all;
        return MtcnnMath.RegressAndSquare(MtcnnMath.Nms(all, o.PNetNmsThreshold, NmsMethod.Union));
    }

    /// <summary>Stage 2: R-Net on 24x24 crops; keep prob &gt; threshold; NMS on the input boxes; regress; square.</summary>
    internal List<Candidate> Refine(RgbImage image, List<Candidate> boxes)
    {
        var o = Options;
        var results = RunCrops(_rnet, _rIn, _rOut, [2, 4], image, boxes, RNetSize);
        var passed = Passed(boxes, results[0], results[1], o.RNetThreshold);
        if (passed.Count == 0)
            return passed;
        return MtcnnMath.RegressAndSquare(MtcnnMath.Nms(passed, o.RNetNmsThreshold, NmsMethod.Union));
    }

    /// <summary>Stage 3: O-Net on 48x48 crops; keep prob &gt; threshold; landmarks from the input box; regress; NMS "Min".</summary>
    internal List<DetectedFace> Finish(RgbImage image, List<Candidate> boxes)
    {
        var o = Options;
        var results = RunCrops(_onet, _oIn, _oOut, [2, 4, 10], image, boxes, ONetSize);
        float[] lmk = results[2];
        var passed = Passed(boxes, results[0], results[1], o.ONetThreshold);

        var faces = new List<DetectedFace>(passed.Count);
        if (passed.Count == 0)
            return faces;

        // Landmarks are relative to the box O-Net saw (before its own regression): x = left + l[j] * w, y = top + l[j+5] * h.
        var landmarks = new PointF[boxes.Count][];
        foreach (var c in passed)
        {
            var pts = new PointF[5];
            int r = c.Tag * 10;
            for (int j = 0; j < 5; j++)
                pts[j] = new PointF(c.X1 + lmk[r + j] * c.Width, c.Y1 + lmk[r + j + 5] * c.Height);
            landmarks[c.Tag] = pts;
        }

        for (int i = 0; i < passed.Count; i++)
            passed[i] = MtcnnMath.Regress(passed[i]);
        foreach (var c in MtcnnMath.Nms(passed, o.ONetNmsThreshold, NmsMethod.Min))
            faces.Add(new DetectedFace(new RectangleF(c.X1, c.Y1, c.Width, c.Height), c.Score, landmarks[c.Tag]));

        faces.Sort(static (a, b) =>
        {
            int byArea = b.Area.CompareTo(a.Area);
            return byArea != 0 ? byArea : b.Score.CompareTo(a.Score);
        });
        return faces;
    }

    /// <summary>The boxes a refinement stage keeps: face probability (softmax column 1) above <paramref name="threshold"/>,
    /// with that score, the stage's box regression, and their index among <paramref name="boxes"/> as their tag.</summary>
    private static List<Candidate> Passed(List<Candidate> boxes, float[] prob, float[] reg, float threshold)
    {
        var passed = new List<Candidate>();
        for (int i = 0; i < boxes.Count; i++)
        {
            float p = prob[i * 2 + 1];
            if (!(p > threshold))
                continue;
            var c = boxes[i];
            c.Score = p;
            c.Dx1 = reg[i * 4]; c.Dy1 = reg[i * 4 + 1]; c.Dx2 = reg[i * 4 + 2]; c.Dy2 = reg[i * 4 + 3];
            c.Tag = i;
            passed.Add(c);
        }
        return passed;
    }

    /// <summary>
    /// Crops every box (bilinear, outside the image black), packs the crops transposed into one batch and runs
    /// the network in chunks of <see cref="MtcnnOptions.MaxBatch"/>; returns each output as [count, width] floats.
    /// </summary>
    private float[][] RunCrops(InferenceSession session, string[] inputName, string[] outputNames, int[] outputWidths,
        RgbImage image, List<Candidate> boxes, int size)
    {
        int count = boxes.Count;
        var results = new float[outputWidths.Length][];
        for (int k = 0; k < results.Length; k++)
            results[k] = new float[count * outputWidths[k]];

        int per = size * size * 3;
        int chunk = Math.Min(Options.MaxBatch, count);
        float[] buffer = ArrayPool<float>.Shared.Rent(chunk * per);
        try
        {
            for (int start = 0; start < count; start += chunk)
            {
                int n = Math.Min(chunk, count - start);
                for (int i = 0; i < n; i++)
                {
                    var b = boxes[start + i];
                    var crop = AffineWarp.CropResize(image, b.X1, b.Y1, b.Width, b.Height, size, size);
                    TensorPacker.Pack(crop, buffer.AsSpan(i * per, per), Mean, Scale, transposed: true);
                }

                using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                    buffer.AsMemory(0, n * per), [n, size, size, 3]);
                using var outputs = session.Run(_runOptions, inputName, [input], outputNames);
                for (int k = 0; k < outputWidths.Length; k++)
                {
                    var data = outputs[k].GetTensorDataAsSpan<float>();
                    int w = outputWidths[k];
                    if (data.Length != n * w)
                        throw new InvalidOperationException(
                            $"'{outputNames[k]}' has shape [{string.Join(",", outputs[k].GetTensorTypeAndShape().Shape)}] for a batch of {n}; expected [{n},{w}]");
                    data.CopyTo(results[k].AsSpan(start * w, n * w));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
        return results;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _pnet.Dispose();
        _rnet.Dispose();
        _onet.Dispose();
        _runOptions.Dispose();
        _shrinkArena.Dispose();
        _sessionOptions.Dispose();
    }

    private static InferenceSession Load(string path, SessionOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"MTCNN model not found: {path}", path);
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"cannot load MTCNN model {path}: {e.Message}", e);
        }
    }

    private static InferenceSession Load(byte[] model, string what, SessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            return new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"cannot load the MTCNN {what} model: {e.Message}", e);
        }
    }

    private static string SingleInput(InferenceSession session, string what)
    {
        if (session.InputNames.Count != 1)
            throw new InvalidOperationException($"{what} model must have exactly one input; it has {session.InputNames.Count} ({string.Join(", ", session.InputNames)})");
        return session.InputNames[0];
    }

    private static string FindOutput(InferenceSession session, string what, string nameContains)
    {
        // Converters sometimes turn '-' into '_': compare with both spelled the same.
        static string Norm(string s) => s.Replace('-', '_');
        var matches = session.OutputNames.Where(n => Norm(n).Contains(Norm(nameContains), StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count != 1)
            throw new InvalidOperationException(
                $"{what} model must have exactly one output whose name contains '{nameContains}'; outputs are: {string.Join(", ", session.OutputNames)}");
        return matches[0];
    }
}
