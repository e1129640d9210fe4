namespace FaceNetML.Detection;

/// <summary>How <see cref="MtcnnMath.Nms"/> measures the overlap of two boxes.</summary>
internal enum NmsMethod
{
    /// <summary>Intersection over union.</summary>
    Union,

    /// <summary>Intersection over the area of the smaller box (used after O-Net, removes boxes nested in others).</summary>
    Min,
}

/// <summary>
/// A candidate window of the cascade: box edges in source-image pixels, score, and the regression offsets
/// the last network predicted for it (fractions of the box width/height, x first).
/// </summary>
/// <remarks>
/// Coordinates are continuous with pixel (i, j) covering [i, i+1) x [j, j+1): width = X2 - X1, no "+1".
/// This is the 1-based inclusive convention of the MATLAB/Python original shifted by one on the left/top
/// edge (their x1..x2 inclusive = our [x1 - 1, x2)), so widths, regression and NMS areas agree with it.
/// </remarks>
internal struct Candidate
{
    public float X1, Y1, X2, Y2, Score;
    public float Dx1, Dy1, Dx2, Dy2;

    /// <summary>Caller's bookkeeping (e.g. the row of this box's landmarks); carried through NMS and regression.</summary>
    public int Tag;

    public Candidate(float x1, float y1, float x2, float y2, float score)
    {
        X1 = x1; Y1 = y1; X2 = x2; Y2 = y2; Score = score;
    }

    public readonly float Width => X2 - X1;
    public readonly float Height => Y2 - Y1;
    public readonly float Area => MathF.Max(0f, X2 - X1) * MathF.Max(0f, Y2 - Y1);

    public override readonly string ToString() => $"[{X1:0.#},{Y1:0.#},{X2:0.#},{Y2:0.#}] {Score:0.###}";
}

/// <summary>The pure geometry of MTCNN: pyramid, P-Net window generation, NMS, regression, squaring.</summary>
internal static class MtcnnMath
{
    /// <summary>P-Net's receptive field (12) and output stride (2).</summary>
    public const int CellSize = 12, Stride = 2;

    /// <summary>
    /// The pyramid: <c>m = 12 / minFace</c>, scales <c>m * factor^k</c> while <c>min(W, H) * scale &gt;= 12</c>
    /// (computed in double like the numpy original, so the count matches it exactly).
    /// </summary>
    public static List<double> PyramidScales(int width, int height, double minFaceSize, double factor)
    {
        var scales = new List<double>();
        double m = CellSize / minFaceSize;
        double minl = Math.Min(width, height) * m;
        double scale = m;
        while (minl >= CellSize)
        {
            scales.Add(scale);
            scale *= factor;
            minl *= factor;
        }
        return scales;
    }

    /// <summary>The pyramid level size for a scale: <c>ceil(W * s) x ceil(H * s)</c>, at least 1.</summary>
    public static (int Width, int Height) ScaledSize(int width, int height, double scale) =>
        (Math.Max(1, (int)Math.Ceiling(width * scale)), Math.Max(1, (int)Math.Ceiling(height * scale)));

    /// <summary>
    /// Turns P-Net's (transposed) output maps into candidate windows. <paramref name="prob"/> is
    /// [outW, outH, 2] and <paramref name="reg"/> is [outW, outH, 4], element (a, b) being image cell
    /// x = a, y = b. A cell passes when its face probability (channel 1) is &gt;= <paramref name="threshold"/>;
    /// its window is the 12x12 receptive field <c>[2a, 2a+12) x [2b, 2b+12)</c> of the pyramid level mapped
    /// back with the level's exact size ratios (<paramref name="scaleX"/> = levelWidth / W, likewise y),
    /// which is the exact inverse of the pixel-centre-aligned resize that built the level.
    /// </summary>
    public static void GenerateWindows(ReadOnlySpan<float> prob, ReadOnlySpan<float> reg, int outW, int outH,
        double scaleX, double scaleY, float threshold, List<Candidate> into)
    {
        for (int a = 0; a < outW; a++)
        {
            for (int b = 0; b < outH; b++)
            {
                int cell = a * outH + b;
                float p = prob[cell * 2 + 1];
                if (!(p >= threshold))
                    continue;
                var c = new Candidate(
                    (float)(Stride * a / scaleX), (float)(Stride * b / scaleY),
                    (float)((Stride * a + CellSize) / scaleX), (float)((Stride * b + CellSize) / scaleY), p);
                int r = cell * 4;
                c.Dx1 = reg[r]; c.Dy1 = reg[r + 1]; c.Dx2 = reg[r + 2]; c.Dy2 = reg[r + 3];
                into.Add(c);
            }
        }
    }

    /// <summary>Overlap of two boxes by <paramref name="method"/>; 0 when either box is empty.</summary>
    public static float Overlap(in Candidate a, in Candidate b, NmsMethod method)
    {
        float iw = MathF.Min(a.X2, b.X2) - MathF.Max(a.X1, b.X1);
        float ih = MathF.Min(a.Y2, b.Y2) - MathF.Max(a.Y1, b.Y1);
        if (iw <= 0f || ih <= 0f)
            return 0f;
        float inter = iw * ih;
        float denom = method == NmsMethod.Min ? MathF.Min(a.Area, b.Area) : a.Area + b.Area - inter;
        return denom > 0f ? inter / denom : 0f;
    }

    /// <summary>
    /// Greedy non-maximum suppression: repeatedly keeps the highest-scoring box and drops every remaining box
    /// whose overlap with it is &gt; <paramref name="threshold"/>. Returns the kept boxes, best first (ties keep input order).
    /// </summary>
    public static List<Candidate> Nms(List<Candidate> boxes, float threshold, NmsMethod method)
    {
        int n = boxes.Count;
        var kept = new List<Candidate>(Math.Min(n, 64));
        if (n == 0)
            return kept;
        var order = new int[n];
        var scores = new float[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
            scores[i] = -boxes[i].Score; // ascending sort of negated scores = descending scores
        }
        // Stable order for ties: sort (score, index) pairs.
        Array.Sort(order, (i, j) => scores[i] != scores[j] ? scores[i].CompareTo(scores[j]) : i.CompareTo(j));

        var suppressed = new bool[n];
        for (int oi = 0; oi < n; oi++)
        {
            int i = order[oi];
            if (suppressed[i])
                continue;
            var best = boxes[i];
            kept.Add(best);
            for (int oj = oi + 1; oj < n; oj++)
            {
                int j = order[oj];
                if (!suppressed[j] && Overlap(best, boxes[j], method) > threshold)
                    suppressed[j] = true;
            }
        }
        return kept;
    }

    /// <summary>Applies the regression offsets: each edge moves by its offset times the box width (x) or height (y).</summary>
    public static Candidate Regress(in Candidate c)
    {
        float w = c.Width, h = c.Height;
        var r = c;
        r.X1 = c.X1 + c.Dx1 * w;
        r.Y1 = c.Y1 + c.Dy1 * h;
        r.X2 = c.X2 + c.Dx2 * w;
        r.Y2 = c.Y2 + c.Dy2 * h;
        return r;
    }

    /// <summary>Makes the box square around its centre with side max(width, height) ("rerec").</summary>
    public static Candidate Square(in Candidate c)
    {
        float w = c.Width, h = c.Height;
        float side = MathF.Max(w, h);
        var r = c;
        r.X1 = c.X1 + w * 0.5f - side * 0.5f;
        r.Y1 = c.Y1 + h * 0.5f - side * 0.5f;
        r.X2 = r.X1 + side;
        r.Y2 = r.Y1 + side;
        return r;
    }

    /// <summary>Regresses then squares every box, dropping degenerate ones (side under one pixel or not finite).</summary>
    public static List<Candidate> RegressAndSquare(List<Candidate> boxes)
    {
        var result = new List<Candidate>(boxes.Count);
        foreach (var b in boxes)
        {
            var s = Square(Regress(b));
            if (s.Width >= 1f && float.IsFinite(s.X1) && float.IsFinite(s.Y1) && float.IsFinite(s.X2))
                result.Add(s);
        }
        return result;
    }
}
