using System.Globalization;

namespace FaceNetML.Recognition;

/// <summary>
/// The tuning of a pgvector gallery (<see cref="PgVectorFaceIndex"/>): the HNSW index's <see cref="M"/> and
/// <see cref="EfConstruction"/> (used when the index is created), and per search the session's
/// <c>hnsw.ef_search</c> and the number of candidates re-ranked by exact f32 distance. Given as URL parameters
/// (<c>?table=faces&amp;m=16&amp;ef_construction=64&amp;ef_search=100&amp;rerank=32</c>) or to
/// <see cref="PgVectorFaceIndex.Open"/>; a null field takes the default.
/// </summary>
public sealed record PgVectorOptions(int? M = null, int? EfConstruction = null, int? EfSearch = null, int? Rerank = null)
{
    public const int DefaultM = 16, DefaultEfConstruction = 64, DefaultEfSearch = 100, DefaultRerank = 32;

    /// <summary>The URL parameters that set these fields.</summary>
    public static readonly string[] Keys = ["m", "ef_construction", "ef_search", "rerank"];

    public int MOrDefault => M ?? DefaultM;
    public int EfConstructionOrDefault => EfConstruction ?? DefaultEfConstruction;
    public int EfSearchOrDefault => EfSearch ?? DefaultEfSearch;
    public int RerankOrDefault => Rerank ?? DefaultRerank;

    /// <summary>Checks each value that is set (pgvector's own limits: m 2-100, ef_construction 4-1000, ef_search 1-1000).</summary>
    /// <exception cref="BadInputException">A value out of range, or ef_construction below twice m.</exception>
    public PgVectorOptions Validated()
    {
        static void Check(int? value, string name, int min, int max)
        {
            if (value is { } v && (v < min || v > max)) throw new BadInputException($"pgvector {name} must be between {min} and {max}, got {v}");
        }
        Check(M, "m", 2, 100);
        Check(EfConstruction, "ef_construction", 4, 1000);
        Check(EfSearch, "ef_search", 1, 1000);
        Check(Rerank, "rerank", 1, 1000);
        if (EfConstructionOrDefault < 2 * MOrDefault)
            throw new BadInputException($"pgvector ef_construction ({EfConstructionOrDefault}) must be at least twice m ({MOrDefault})");
        return this;
    }

    /// <summary>The fields of <paramref name="other"/> that are set, over these.</summary>
    public PgVectorOptions Over(PgVectorOptions? other) => other is null ? this
        : new(other.M ?? M, other.EfConstruction ?? EfConstruction, other.EfSearch ?? EfSearch, other.Rerank ?? Rerank);

    /// <summary>Sets the field named by a URL parameter; null for another name.</summary>
    /// <exception cref="BadInputException">A value that is not a whole number.</exception>
    public PgVectorOptions? With(string key, string value)
    {
        int Number() => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new BadInputException($"pgvector option {key}={value}: not a whole number");
        return key switch
        {
            "m" => this with { M = Number() },
            "ef_construction" => this with { EfConstruction = Number() },
            "ef_search" => this with { EfSearch = Number() },
            "rerank" => this with { Rerank = Number() },
            _ => null,
        };
    }
}
