using System.Globalization;

namespace FaceNetML.Recognition;

/// <summary>
/// The tuning of an embedded HNSW gallery (<see cref="USearchFaceIndex"/>). <see cref="Connectivity"/> and
/// <see cref="ExpansionAdd"/> shape the graph, so they are fixed when the gallery is created and stored in its sidecar;
/// <see cref="ExpansionSearch"/> and <see cref="Rerank"/> only change searches, so an open may override the stored
/// values. A null field takes the stored value, then the default.
/// </summary>
/// <param name="Connectivity">Graph degree (HNSW's M): more links, better recall, slower build and bigger file.</param>
/// <param name="ExpansionAdd">Beam width while adding (HNSW's ef_construction): wider builds a better graph, slower.</param>
/// <param name="ExpansionSearch">Beam width of a search (HNSW's ef), at least <see cref="Rerank"/>.</param>
/// <param name="Rerank">Candidates taken from the graph and re-ranked by their exact f32 distance (at least the k asked).</param>
/// <param name="Threads">Threads that add vectors in parallel (default: every core).</param>
public sealed record HnswOptions(int? Connectivity = null, int? ExpansionAdd = null, int? ExpansionSearch = null, int? Rerank = null, int? Threads = null)
{
    public const int DefaultConnectivity = 24, DefaultExpansionAdd = 128, DefaultExpansionSearch = 320, DefaultRerank = 64;

    /// <summary>Graph storage of a new gallery: i8 (one byte per value) builds and searches faster than f32, and the exact
    /// re-ranking restores the precision.</summary>
    public const string DefaultScalar = "i8";

    /// <summary>The location options that set these fields (<c>PATH.usearch?m=24&amp;ef=256</c>), and <c>scalar</c>.</summary>
    public const string LocationKeys = "scalar, m, ef_add, ef, rerank";

    /// <summary>Checks each value that is set.</summary>
    /// <exception cref="BadInputException">A value out of range.</exception>
    public HnswOptions Validated()
    {
        static void Check(int? value, string name, int min, int max)
        {
            if (value is { } v && (v < min || v > max)) throw new BadInputException($"HNSW {name} must be between {min} and {max}, got {v}");
        }
        Check(Connectivity, "connectivity (m)", 2, 256);
        Check(ExpansionAdd, "expansion_add (ef_add)", 1, 4096);
        Check(ExpansionSearch, "expansion_search (ef)", 1, 4096);
        Check(Rerank, "rerank", 1, 4096);
        Check(Threads, "threads", 1, 1024);
        return this;
    }

    /// <summary>Sets the field named by a location option (<c>m</c>, <c>ef_add</c>, <c>ef</c>, <c>rerank</c>); null for
    /// another name.</summary>
    /// <exception cref="BadInputException">A value that is not a whole number.</exception>
    public HnswOptions? With(string key, string value)
    {
        int Number() => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new BadInputException($"HNSW option {key}={value}: not a whole number");
        return key switch
        {
            "m" or "connectivity" => this with { Connectivity = Number() },
            "ef_add" or "expansion_add" => this with { ExpansionAdd = Number() },
            "ef" or "expansion_search" => this with { ExpansionSearch = Number() },
            "rerank" => this with { Rerank = Number() },
            _ => null,
        };
    }
}
