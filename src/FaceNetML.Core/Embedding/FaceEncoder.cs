using FaceNetML.Alignment;
using FaceNetML.Detection;
using FaceNetML.Imaging;
using FaceNetML.Models;

namespace FaceNetML.Embedding;

/// <summary>
/// Aligns and embeds faces for one model handle: one model (its template, its embedder), or a fusion of two
/// (<see cref="ModelFusion"/>), each face aligned to each model's own template and the two L2-normalised embeddings
/// concatenated with weights sqrt(w) and sqrt(1-w), so the result is one unit-length embedding per face.
/// Thread-safe like <see cref="FaceEmbedder"/>.
/// </summary>
public sealed class FaceEncoder : IDisposable
{
    /// <summary>One model of the handle: its aligner, its embedder and the factor its embedding is scaled by.</summary>
    public sealed record Part(FaceAligner Aligner, FaceEmbedder Embedder, float Factor);

    public FaceEncoder(InstalledModel model, int intraOpThreads = 1)
    {
        var models = model.Parts ?? [model];
        var parts = new List<Part>();
        try
        {
            for (int i = 0; i < models.Count; i++)
            {
                var embedder = new FaceEmbedder(models[i], intraOpThreads);
                float factor = model.Fusion is { } f ? ModelFusion.PartFactor(f.Weight, i) : 1f;
                parts.Add(new Part(new FaceAligner(embedder.Template), embedder, factor));
            }
        }
        catch
        {
            foreach (var p in parts) p.Embedder.Dispose();
            throw;
        }
        Parts = parts;
        EmbeddingSize = parts.Sum(p => p.Embedder.EmbeddingSize);
    }

    public IReadOnlyList<Part> Parts { get; }

    /// <summary>Values per (fused) embedding.</summary>
    public int EmbeddingSize { get; }

    /// <summary>
    /// Embeds faces of one image in one batch per model (a null face: a centred square crop). <paramref name="norms"/>
    /// (when not empty) receives each face's raw output length from the first model: the face-quality signal.
    /// </summary>
    public float[][] Encode(RgbImage image, IReadOnlyList<DetectedFace?> faces, Span<float> norms) => Encode(image, faces, norms, default, null);

    /// <summary>
    /// <see cref="Encode(RgbImage, IReadOnlyList{DetectedFace?}, Span{float})"/>, and per face: its
    /// <see cref="Sharpness"/> (the first model's aligned crop) in <paramref name="sharpness"/> when not empty, and in
    /// <paramref name="gray"/> when not null (one slot per face) the embedding of the same crops turned to grayscale, run in
    /// the same batch: what a face is compared with when the gallery photo it meets is grayscale.
    /// </summary>
    public float[][] Encode(RgbImage image, IReadOnlyList<DetectedFace?> faces, Span<float> norms, Span<float> sharpness, float[][]? gray)
    {
        int n = faces.Count;
        if (n == 0) return [];
        if (gray is not null && gray.Length != n) throw new ArgumentException($"need one grayscale slot per face ({n}), got {gray.Length}", nameof(gray));
        var result = new float[n][];
        int offset = 0;
        for (int p = 0; p < Parts.Count; p++)
        {
            var part = Parts[p];
            var crops = faces.Select(f => part.Aligner.AlignOrCenterCrop(image, f)).ToList();
            if (p == 0)
                for (int i = 0; i < sharpness.Length && i < n; i++) sharpness[i] = Sharpness.Of(crops[i]);
            var batch = gray is null ? crops : [.. crops, .. crops.Select(PixelOps.ToGray)];
            var partNorms = p == 0 && !norms.IsEmpty ? new float[batch.Count] : null;
            var embeddings = part.Embedder.EmbedBatch(batch, partNorms);
            if (partNorms is not null) partNorms.AsSpan(0, Math.Min(n, norms.Length)).CopyTo(norms);
            if (Parts.Count == 1)
            {
                Array.Copy(embeddings, result, n);
                if (gray is not null) Array.Copy(embeddings, n, gray, 0, n);
                break;
            }
            if (p == 0)
            {
                for (int i = 0; i < n; i++) result[i] = new float[EmbeddingSize];
                if (gray is not null) for (int i = 0; i < n; i++) gray[i] = new float[EmbeddingSize];
            }
            Scatter(embeddings.AsSpan(0, n), result, offset, part.Factor);
            if (gray is not null) Scatter(embeddings.AsSpan(n, n), gray, offset, part.Factor);
            offset += part.Embedder.EmbeddingSize;
        }
        return result;
    }

    /// <summary>The normalised sum of the embeddings of the aligned face and its mirror image, per model, then fused.</summary>
    public float[] EncodeFlipAugmented(RgbImage image, DetectedFace face)
    {
        var fused = new float[EmbeddingSize];
        int offset = 0;
        foreach (var part in Parts)
        {
            var crop = part.Aligner.Align(image, face);
            var both = part.Embedder.EmbedBatch([crop, PixelOps.Mirror(crop)]);
            var sum = new float[both[0].Length];
            for (int i = 0; i < sum.Length; i++) sum[i] = both[0][i] + both[1][i];
            L2Norm.Normalize(sum);
            for (int i = 0; i < sum.Length; i++) fused[offset + i] = sum[i] * part.Factor;
            offset += sum.Length;
        }
        return fused;
    }

    /// <summary>Splits fused embeddings back into each model's unit-length embedding (for per-model distances).</summary>
    public float[] PartOf(float[] fused, int part)
    {
        int offset = Parts.Take(part).Sum(p => p.Embedder.EmbeddingSize);
        var e = fused.AsSpan(offset, Parts[part].Embedder.EmbeddingSize).ToArray();
        for (int i = 0; i < e.Length; i++) e[i] /= Parts[part].Factor;
        return e;
    }

    private static void Scatter(ReadOnlySpan<float[]> embeddings, float[][] into, int offset, float factor)
    {
        for (int i = 0; i < embeddings.Length; i++)
        for (int j = 0; j < embeddings[i].Length; j++)
            into[i][offset + j] = embeddings[i][j] * factor;
    }

    public void Dispose()
    {
        foreach (var p in Parts) p.Embedder.Dispose();
    }
}
