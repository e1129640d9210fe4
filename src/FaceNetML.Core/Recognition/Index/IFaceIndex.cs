namespace FaceNetML.Recognition;

/// <summary>
/// The storage seam under a <see cref="Gallery"/>: (person, embedding, source, quality) rows and k-nearest queries.
/// Backends: <see cref="ExactFaceIndex"/> (in memory, the recall oracle), <see cref="JsonFaceIndex"/> (a JSON gallery
/// file), <see cref="USearchFaceIndex"/> (embedded HNSW file with a SQLite sidecar), and those of other packages through <see cref="IFaceIndexProvider"/> (PgVectorFaceIndex,
/// PostgreSQL + pgvector, in FaceNetML.Galleries.Postgres). The identification decision
/// (<see cref="ProbeEvidence"/>, <see cref="IdentificationRule"/>) sits above this seam and is the same on every backend:
/// it asks for the k nearest embeddings, groups them by person, and fetches the few candidate persons' own embeddings
/// (<see cref="Person"/>) to compute the exact nearest distance, margin and template distance.
/// </summary>
/// <remarks>Embeddings are L2-normalised before they reach the index (the <see cref="Gallery"/> does it); distances are
/// Euclidean between unit vectors (0..2).</remarks>
public interface IFaceIndex : IDisposable
{
    /// <summary><c>exact</c>, <c>hnsw</c> or <c>pgvector</c>.</summary>
    string Backend { get; }

    /// <summary>Where the index lives (a path, a URL without password, or <c>memory</c>).</summary>
    string Location { get; }

    /// <summary>Model, threshold, dimension and rule stored with the index; null for a new, empty store.</summary>
    GalleryInfo? Info { get; }

    /// <summary>Writes the metadata of a new store (its embedding model, threshold, dimension and rule).</summary>
    void Initialise(GalleryInfo info);

    int PersonCount { get; }

    /// <summary>Whether any stored face came from a grayscale photo (probes then also need their grayscale embedding).</summary>
    bool HasGrayFaces { get; }

    long FaceCount { get; }

    /// <summary>The <paramref name="k"/> nearest stored embeddings to a unit <paramref name="query"/>, nearest first
    /// (fewer when the index holds fewer). Exact on <see cref="ExactFaceIndex"/>; the HNSW backends may miss a neighbour
    /// (their graph picks the candidates) but return the exact f32 distance of each face they return.</summary>
    IReadOnlyList<FaceMatch> Search(ReadOnlySpan<float> query, int k);

    /// <summary>A person's stored embeddings and sources, or null when not enrolled.</summary>
    GalleryPerson? Person(string name);

    /// <summary>Enrolled names in enrolment order.</summary>
    IReadOnlyList<string> PersonNames();

    /// <summary>Adds faces of one person (enrolling them if new) as one unit: either every face is stored or none is.
    /// Persistent backends skip a face whose (person, source) is already stored, so re-running an enrolment adds no
    /// duplicate. Returns the faces added.</summary>
    int AddFaces(string person, IReadOnlyList<EnrolledFace> faces);

    /// <summary>Adds many persons (bulk loading). Each person is still all-or-nothing; a backend may group several
    /// persons into one unit (the HNSW backend writes a batch in one SQLite transaction and builds its graph on every
    /// core). Returns the faces added.</summary>
    long AddPeople(IReadOnlyList<(string Person, IReadOnlyList<EnrolledFace> Faces)> people)
    {
        long added = 0;
        foreach (var (person, faces) in people) added += AddFaces(person, faces);
        return added;
    }

    /// <summary>Removes a person and their faces as one unit; false when not enrolled.</summary>
    bool Remove(string person);

    /// <summary>Removes one face of a person (the one stored from <paramref name="source"/>) as one unit; a person left
    /// without faces is removed too. False when the person or that face is not stored.</summary>
    bool RemoveFace(string person, string source);

    /// <summary>Renames a person, faces and all, as one unit; false when <paramref name="person"/> is not enrolled.</summary>
    /// <exception cref="ArgumentException"><paramref name="to"/> is already enrolled (nothing changes).</exception>
    bool Rename(string person, string to);

    /// <summary>Moves every face of <paramref name="person"/> to <paramref name="into"/> and removes
    /// <paramref name="person"/>, as one unit. A face whose source <paramref name="into"/> already holds is dropped.
    /// False (nothing changes) when either person is not enrolled, or both are the same.</summary>
    bool Merge(string person, string into);

    /// <summary>Makes every change durable (the JSON file, or the HNSW and vector files, are saved; database writes are
    /// already committed, and a newly loaded table gets its HNSW index).</summary>
    void Flush();

    /// <summary>True when each <see cref="AddFaces"/> and <see cref="Remove"/> is durable by itself (a database
    /// transaction, the HNSW sidecar's), so <see cref="Flush"/> after every change is not needed; false for files written
    /// whole (JSON) and for memory.</summary>
    bool DurableWrites => false;

    /// <summary>Bytes used by the index (file or table sizes; in-memory arrays), for reports.</summary>
    long ApproximateBytes { get; }
}
