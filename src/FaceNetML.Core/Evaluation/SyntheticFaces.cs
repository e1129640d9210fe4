using FaceNetML.Verification;

namespace FaceNetML.Evaluation;

/// <summary>
/// Synthetic filler embeddings for gallery benchmarks whose same-person and different-person distances match measured
/// real ones. Model: a shared unit direction u (real embeddings of one model are not centred); a person's centre is
/// c = normalise(β·u + h/√D) with h ~ N(0, I); a face of that person is normalise(c + σ·g) with g ~ N(0, I). For large D,
/// two faces of one person lie at d² ≈ 2s and of two persons at d² ≈ (1 − s)·2/(1 + β²) + 2s, where s = σ²D/(1 + σ²D);
/// <see cref="Fit"/> solves these for the measured mean same-person and different-person distances.
/// </summary>
public sealed class SyntheticFaces
{
    private readonly Random _rng;
    private readonly float[] _u;

    public SyntheticFaces(int dimension, double beta, double sigma, int seed = 1)
    {
        Dimension = dimension;
        Beta = beta;
        Sigma = sigma;
        _rng = new Random(seed);
        _u = Gaussian(dimension);
        EmbeddingDistance.L2Normalize(_u);
    }

    public int Dimension { get; }
    public double Beta { get; }
    public double Sigma { get; }

    /// <summary>Fits β and σ to a mean same-person distance <paramref name="same"/> and different-person distance <paramref name="different"/>.</summary>
    public static SyntheticFaces Fit(int dimension, double same, double different, int seed = 1)
    {
        double s = Math.Clamp(same * same / 2, 1e-6, 0.99);
        double dc2 = Math.Clamp((different * different - same * same) / (1 - s), 1e-6, 2);
        double beta = Math.Sqrt(Math.Max(0, 2 / dc2 - 1));
        double sigma = Math.Sqrt(s / (1 - s) / dimension);
        return new SyntheticFaces(dimension, beta, sigma, seed);
    }

    /// <summary>The faces of one new synthetic person (unit vectors).</summary>
    public float[][] Person(int faces)
    {
        var c = Gaussian(Dimension);
        float scale = 1 / MathF.Sqrt(Dimension);
        for (int i = 0; i < c.Length; i++) c[i] = (float)(Beta * _u[i]) + c[i] * scale;
        EmbeddingDistance.L2Normalize(c);
        var result = new float[faces][];
        for (int f = 0; f < faces; f++)
        {
            var g = Gaussian(Dimension);
            for (int i = 0; i < g.Length; i++) g[i] = c[i] + (float)Sigma * g[i];
            EmbeddingDistance.L2Normalize(g);
            result[f] = g;
        }
        return result;
    }

    private float[] Gaussian(int n)
    {
        var v = new float[n];
        for (int i = 0; i < n; i += 2)
        {
            // Box-Muller.
            double u1 = 1 - _rng.NextDouble(), u2 = _rng.NextDouble();
            double r = Math.Sqrt(-2 * Math.Log(u1));
            v[i] = (float)(r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < n) v[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
        }
        return v;
    }
}
