using System.Runtime.InteropServices;
using Cloud.Unum.USearch;
using Microsoft.Data.Sqlite;

namespace FaceNetML.Recognition;

/// <summary>
/// The embedded HNSW backend: a USearch index file (<c>NAME.usearch</c>, squared-L2 metric, f32, f16 or i8 storage)
/// beside a SQLite sidecar (<c>NAME.usearch.sqlite</c>) that holds the metadata, the persons, and each face's source,
/// quality and full-precision embedding, and a flat file of those embeddings by graph key (<c>NAME.usearch.f32</c>,
/// <see cref="FaceVectorFile"/>). A search takes <see cref="HnswOptions.Rerank"/> candidates from the graph and
/// re-ranks them by their exact f32 distance read from the memory-mapped vector file, so the distances returned are
/// exact whatever the graph's storage. The sidecar is the source of truth: a person's enrolment is one SQLite
/// transaction, and the HNSW and vector files are caches of it, rebuilt from the sidecar when missing or stale (an
/// interrupted writer, two writers, or a gallery written before the vector file). Read-only opens memory-map both
/// files (USearch <c>view</c>), so reopening a large gallery answers without loading it.
/// </summary>
/// <remarks>Keys are the sidecar's face row ids. Searches are thread-safe; writes are not (one writer per process;
/// SQLite serialises writers across processes).</remarks>
public sealed partial class USearchFaceIndex : IFaceIndex
{
    private readonly SqliteConnection _db;
    private readonly bool _readOnly;
    private readonly object _writeLock = new();
    private HnswGraph? _hnsw;
    private FaceVectorFile? _vectors;
    private readonly HnswOptions _asked;
    private int _connectivity, _expansionAdd, _expansionSearch, _rerank;
    private GalleryInfo? _info;
    private ScalarKind _scalar;
    private readonly Dictionary<long, int> _faceOwner = [];
    private readonly List<string?> _personName = [null];       // by person id (ids start at 1); null once removed
    private readonly Dictionary<string, int> _personId = new(StringComparer.Ordinal);
    private long _knownGeneration;
    private bool _dirty, _stale;

    private USearchFaceIndex(string path, SqliteConnection db, bool readOnly, HnswOptions options)
    {
        IndexPath = path;
        _db = db;
        _readOnly = readOnly;
        _asked = options;
    }

    public string Backend => "hnsw";
    public string Location => IndexPath;

    /// <summary>The USearch file; the sidecar is this path + <c>.sqlite</c>.</summary>
    public string IndexPath { get; }

    public string SidecarPath => IndexPath + ".sqlite";

    /// <summary>The flat file of full-precision embeddings by graph key, read when re-ranking.</summary>
    public string VectorPath => IndexPath + ".f32";

    /// <summary>The tuning in effect: the gallery's graph degree and build width, and this open's search width and
    /// re-rank count.</summary>
    public HnswOptions Options => new(_connectivity, _expansionAdd, _expansionSearch, _rerank, _asked.Threads ?? Environment.ProcessorCount);

    public GalleryInfo? Info => _info;

    /// <summary>Storage of the vectors in the HNSW file: <c>f32</c>, <c>f16</c> or <c>i8</c>.</summary>
    public string Scalar => ScalarName(_scalar);

    public int PersonCount => _personId.Count;
    public long FaceCount => _faceOwner.Count;

    public long ApproximateBytes =>
        (File.Exists(IndexPath) && !_dirty ? new FileInfo(IndexPath).Length : (long)(_hnsw?.Size ?? 0) * EstimatedBytesPerVector())
        + (File.Exists(SidecarPath) ? new FileInfo(SidecarPath).Length : 0)
        + (_vectors?.UsedBytes ?? 0);

    /// <summary>Opens (or, unless <paramref name="readOnly"/>, creates) the gallery at <paramref name="path"/>.</summary>
    /// <param name="scalar">Vector storage of a new index: f32, f16 or i8 (default <see cref="HnswOptions.DefaultScalar"/>;
    /// an existing index keeps its own).</param>
    /// <param name="options">Graph degree and build width of a new index (an existing one keeps its own), and search
    /// width and re-rank count of this open (default: the stored ones).</param>
    /// <exception cref="BadInputException">Unreadable sidecar, a sidecar of another kind, a missing read-only gallery, or
    /// an option out of range.</exception>
    public static USearchFaceIndex Open(string path, bool readOnly, string? scalar = null, HnswOptions? options = null)
    {
        var kind = ParseScalar(scalar ?? HnswOptions.DefaultScalar);
        options = (options ?? new HnswOptions()).Validated();
        var sidecar = path + ".sqlite";
        if (readOnly && !File.Exists(sidecar))
            throw new BadInputException($"{path}: no such gallery (its sidecar {Path.GetFileName(sidecar)} is missing)");
        if (Directory.Exists(path)) throw new BadInputException($"{path}: is a folder, not a .usearch gallery");
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!readOnly && !string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = sidecar,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 60,
        }.ToString());
        var index = new USearchFaceIndex(path, db, readOnly, options);
        try
        {
            db.Open();
            index.Load(kind);
            return index;
        }
        catch (SqliteException e)
        {
            index.Dispose();
            throw new BadInputException($"{path}: unreadable gallery sidecar ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    private void Load(ScalarKind scalar)
    {
        if (!_readOnly)
        {
            Exec("PRAGMA journal_mode=WAL");
            Exec("PRAGMA synchronous=NORMAL");
            Exec("""
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS person (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
                CREATE TABLE IF NOT EXISTS face (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL REFERENCES person(id),
                    source TEXT NOT NULL, quality REAL, embedding BLOB NOT NULL, gray INTEGER NOT NULL DEFAULT 0, UNIQUE (person_id, source));
                INSERT OR IGNORE INTO meta VALUES ('generation', '0');
                """);
            // Sidecars written before the grayscale flag get the column (every old face counts as colour).
            if (!HasGrayColumn()) Exec("ALTER TABLE face ADD COLUMN gray INTEGER NOT NULL DEFAULT 0");
        }
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var cmd = Command("SELECT key, value FROM meta");
            using var r = cmd.ExecuteReader();
            while (r.Read()) meta[r.GetString(0)] = r.GetString(1);
        }
        catch (SqliteException e)
        {
            throw new BadInputException($"{IndexPath}: not a FaceNetML gallery sidecar ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        if (meta.TryGetValue("model", out var model))
        {
            if (!meta.TryGetValue("threshold", out var t) || !meta.TryGetValue("dimension", out var d) || !meta.TryGetValue("rule", out var rule))
                throw new BadInputException($"{IndexPath}: gallery sidecar without threshold, dimension or rule");
            _info = new GalleryInfo(model, float.Parse(t, System.Globalization.CultureInfo.InvariantCulture), int.Parse(d, System.Globalization.CultureInfo.InvariantCulture), rule);
        }
        // Galleries from before the storage was stored are f32.
        _scalar = meta.TryGetValue("scalar", out var s) ? ParseScalar(s) : _info is null ? scalar : ScalarKind.Float32;
        // Galleries written before these were stored were built with M 16 and ef_add 128.
        int Stored(string key, int? asked, int old, int fresh) => asked
            ?? (meta.TryGetValue(key, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : _info is null ? fresh : old);
        _connectivity = _info is null ? _asked.Connectivity ?? HnswOptions.DefaultConnectivity : Stored("connectivity", null, 16, HnswOptions.DefaultConnectivity);
        _expansionAdd = _info is null ? _asked.ExpansionAdd ?? HnswOptions.DefaultExpansionAdd : Stored("expansion_add", null, 128, HnswOptions.DefaultExpansionAdd);
        _expansionSearch = Stored("expansion_search", _asked.ExpansionSearch, HnswOptions.DefaultExpansionSearch, HnswOptions.DefaultExpansionSearch);
        _rerank = Stored("rerank", _asked.Rerank, HnswOptions.DefaultRerank, HnswOptions.DefaultRerank);
        using (var cmd = Command("SELECT id, name FROM person ORDER BY id"))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
            {
                int id = r.GetInt32(0);
                while (_personName.Count <= id) _personName.Add(null);
                _personName[id] = r.GetString(1);
                _personId[r.GetString(1)] = id;
            }
        using (var cmd = Command("SELECT id, person_id FROM face"))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) _faceOwner[r.GetInt64(0)] = r.GetInt32(1);
        _knownGeneration = long.Parse(meta.GetValueOrDefault("generation", "0"), System.Globalization.CultureInfo.InvariantCulture);
        bool fresh = meta.GetValueOrDefault("index_generation") == _knownGeneration.ToString(System.Globalization.CultureInfo.InvariantCulture)
            && File.Exists(IndexPath);
        if (_info is null) return;
        if (fresh)
        {
            _hnsw = HnswGraph.Open(IndexPath, view: _readOnly, _info.Dimension, _scalar, (ulong)_connectivity, (ulong)_expansionAdd, (ulong)SearchWidth);
            if ((long)_hnsw.Size == _faceOwner.Count)
            {
                _hnsw.Threads = _asked.Threads ?? Environment.ProcessorCount;
                _vectors = FaceVectorFile.OpenValid(VectorPath, _info.Dimension, _knownGeneration, _readOnly) ?? WriteVectors(SidecarRows());
                return;
            }
            _hnsw.Dispose();
            _hnsw = null;
        }
        Rebuild();
    }

    /// <summary>The graph's search width: the asked one, and at least the re-rank count.</summary>
    private int SearchWidth => Math.Max(_expansionSearch, _rerank);

    private List<(long Id, float[] E)> SidecarRows()
    {
        var rows = new List<(long Id, float[] E)>(_faceOwner.Count);
        using var cmd = Command("SELECT id, embedding FROM face");
        using var r = cmd.ExecuteReader();
        while (r.Read()) rows.Add((r.GetInt64(0), FromBlob((byte[])r[1])));
        return rows;
    }

    /// <summary>Writes the vector file from the sidecar's rows (a gallery written before it, or a stale one) and opens
    /// it. A read-only open writes it too when it can (it is a cache); when it cannot, re-ranking reads the sidecar.</summary>
    private FaceVectorFile? WriteVectors(List<(long Id, float[] E)> rows)
    {
        try
        {
            FaceVectorFile.WriteWhole(VectorPath, _info!.Dimension, rows, _knownGeneration);
            return FaceVectorFile.OpenValid(VectorPath, _info.Dimension, _knownGeneration, _readOnly);
        }
        catch (Exception e) when (_readOnly && e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Rebuilds the HNSW graph and the vector file from the sidecar's embeddings (on every core).</summary>
    private void Rebuild()
    {
        _hnsw?.Dispose();
        _vectors?.Dispose();
        _hnsw = NewHnsw(_info!.Dimension);
        _hnsw.Reserve((ulong)Math.Max(16, _faceOwner.Count));
        var rows = SidecarRows();
        _vectors = WriteVectors(rows);
        AddParallel(rows);
        _dirty = true;
    }

    private void AddParallel(IReadOnlyList<(long Id, float[] E)> rows) => _hnsw!.AddParallel(rows);

    public void Initialise(GalleryInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        ThrowIfReadOnly();
        if (_info is not null) throw new InvalidOperationException($"{IndexPath}: already initialised");
        using var tx = _db.BeginTransaction();
        foreach (var (k, v) in new[] { ("model", info.Model), ("threshold", info.Threshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
                     ("dimension", info.Dimension.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("rule", info.RuleJson), ("scalar", Scalar),
                     ("connectivity", Invariant(_connectivity)), ("expansion_add", Invariant(_expansionAdd)),
                     ("expansion_search", Invariant(_expansionSearch)), ("rerank", Invariant(_rerank)) })
        {
            using var cmd = Command("INSERT INTO meta VALUES ($k, $v)", tx);
            cmd.Parameters.AddWithValue("$k", k);
            cmd.Parameters.AddWithValue("$v", v);
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
        _info = info;
        _hnsw = NewHnsw(info.Dimension);
        _vectors = FaceVectorFile.Create(VectorPath, info.Dimension);
        _dirty = true;
    }

    public IReadOnlyList<FaceMatch> Search(ReadOnlySpan<float> query, int k)
    {
        if (_hnsw is null || k <= 0 || _faceOwner.Count == 0) return [];
        var q = query.ToArray();
        var (keys, _) = _hnsw.Search(q, Math.Max(k, _rerank));
        var result = _vectors is { } vectors ? Rerank(vectors, q, keys) : RerankFromSidecar(q, keys, keys.Length);
        return result.Count > k ? result[..k] : result;
    }

    /// <summary>The graph's candidates by their exact distance (the same arithmetic as <see cref="ExactFaceIndex"/>),
    /// from the memory-mapped vector file, nearest first; so the order and the distances the identification evidence
    /// sees do not depend on the graph's storage or search.</summary>
    private List<FaceMatch> Rerank(FaceVectorFile vectors, float[] q, ulong[] keys)
    {
        var scored = new List<(float D, string Name)>(keys.Length);
        foreach (var key in keys)
        {
            if (!_faceOwner.TryGetValue((long)key, out var owner) || _personName[owner] is not { } name) continue;
            var row = vectors.Row((long)key);
            if (row.Length != q.Length) continue;
            scored.Add((Verification.EmbeddingDistance.SquaredEuclidean(row, q), name));
        }
        scored.Sort((a, b) => a.D.CompareTo(b.D));
        return scored.ConvertAll(s => new FaceMatch(s.Name, MathF.Sqrt(s.D)));
    }

    /// <summary>Re-ranking when the vector file could not be written (a read-only gallery in a read-only folder): the
    /// candidates' embeddings come from the sidecar.</summary>
    private List<FaceMatch> RerankFromSidecar(float[] q, ulong[] keys, int found)
    {
        var result = new List<FaceMatch>(found);
        if (found == 0) return result;
        lock (_writeLock)
        {
            using var cmd = Command($"SELECT id, embedding FROM face WHERE id IN ({string.Join(",", keys.Take(found))})");
            using var r = cmd.ExecuteReader();
            while (r.Read())
                if (_faceOwner.TryGetValue(r.GetInt64(0), out var owner) && _personName[owner] is { } name)
                    result.Add(new FaceMatch(name, MathF.Sqrt(Verification.EmbeddingDistance.SquaredEuclidean(FromBlob((byte[])r[1]), q))));
        }
        result.Sort((a, b) => a.Distance.CompareTo(b.Distance));
        return result;
    }

    public GalleryPerson? Person(string name)
    {
        if (!_personId.TryGetValue(name, out var id)) return null;
        var p = new GalleryPerson(name);
        lock (_writeLock)
        {
            using var cmd = Command($"SELECT embedding, source, {GrayColumn} FROM face WHERE person_id = $p ORDER BY id");
            cmd.Parameters.AddWithValue("$p", id);
            using var r = cmd.ExecuteReader();
            while (r.Read()) p.Add(FromBlob((byte[])r[0]), r.GetString(1), r.GetInt64(2) != 0);
        }
        return p.Embeddings.Count == 0 ? null : p;
    }

    public bool HasGrayFaces
    {
        get
        {
            lock (_writeLock)
            {
                using var cmd = Command($"SELECT EXISTS (SELECT 1 FROM face WHERE {GrayColumn} != 0)");
                return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 0;
            }
        }
    }

    /// <summary>The grayscale flag in queries: the column, or 0 in a read-only sidecar written before it existed.</summary>
    private string GrayColumn => _grayColumn ??= HasGrayColumn() ? "gray" : "0";

    private string? _grayColumn;

    private bool HasGrayColumn()
    {
        using var cmd = Command("SELECT count(*) FROM pragma_table_info('face') WHERE name = 'gray'");
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 0;
    }

    public IReadOnlyList<string> PersonNames() => [.. _personName.OfType<string>()];

    public int AddFaces(string person, IReadOnlyList<EnrolledFace> faces) => (int)AddPeople([(person, faces)]);

    public long AddPeople(IReadOnlyList<(string Person, IReadOnlyList<EnrolledFace> Faces)> people)
    {
        ThrowIfReadOnly();
        if (_info is null) throw new InvalidOperationException($"{IndexPath}: initialise the gallery before adding faces");
        var added = new List<(long Id, float[] E)>();
        var owners = new List<(string Name, int Id)>(people.Count);
        var addedOwner = new List<int>();
        lock (_writeLock)
        {
            using (var tx = _db.BeginTransaction(deferred: false))
            {
                using var upsert = Command("INSERT INTO person (name) VALUES ($n) ON CONFLICT (name) DO NOTHING", tx);
                var un = upsert.Parameters.Add("$n", SqliteType.Text);
                using var select = Command("SELECT id FROM person WHERE name = $n", tx);
                var sn = select.Parameters.Add("$n", SqliteType.Text);
                using var insert = Command("INSERT INTO face (person_id, source, quality, embedding, gray) VALUES ($p, $s, $q, $e, $g) ON CONFLICT (person_id, source) DO NOTHING RETURNING id", tx);
                var p = insert.Parameters.Add("$p", SqliteType.Integer);
                var s = insert.Parameters.Add("$s", SqliteType.Text);
                var q = insert.Parameters.Add("$q", SqliteType.Real);
                var e = insert.Parameters.Add("$e", SqliteType.Blob);
                var g = insert.Parameters.Add("$g", SqliteType.Integer);
                foreach (var (person, faces) in people)
                {
                    if (faces.Count == 0) continue;
                    un.Value = person;
                    upsert.ExecuteNonQuery();
                    sn.Value = person;
                    int personId = Convert.ToInt32(select.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                    owners.Add((person, personId));
                    foreach (var f in faces)
                    {
                        if (f.Embedding.Length != _info.Dimension)
                            throw new ArgumentException($"embedding has {f.Embedding.Length} values; the gallery's have {_info.Dimension}");
                        p.Value = personId;
                        s.Value = f.Source;
                        q.Value = float.IsFinite(f.Quality) ? f.Quality : DBNull.Value;
                        e.Value = ToBlob(f.Embedding);
                        g.Value = f.Gray ? 1 : 0;
                        if (insert.ExecuteScalar() is long id)
                        {
                            added.Add((id, f.Embedding));
                            addedOwner.Add(personId);
                        }
                    }
                }
                Bump(tx);
                tx.Commit();
            }
            foreach (var (name, id) in owners)
            {
                while (_personName.Count <= id) _personName.Add(null);
                _personName[id] = name;
                _personId[name] = id;
            }
            foreach (var (id, embedding) in added) _vectors?.Write(id, embedding);
            for (int i = 0; i < added.Count; i++) _faceOwner[added[i].Id] = addedOwner[i];
            AddParallel(added);
            _dirty = true;
        }
        return added.Count;
    }

    public bool Remove(string person)
    {
        ThrowIfReadOnly();
        lock (_writeLock)
        {
            if (!_personId.TryGetValue(person, out var id)) return false;
            var ids = new List<long>();
            using var tx = _db.BeginTransaction(deferred: false);
            using (var cmd = Command("DELETE FROM face WHERE person_id = $p RETURNING id", tx))
            {
                cmd.Parameters.AddWithValue("$p", id);
                using var r = cmd.ExecuteReader();
                while (r.Read()) ids.Add(r.GetInt64(0));
            }
            using (var cmd = Command("DELETE FROM person WHERE id = $p", tx))
            {
                cmd.Parameters.AddWithValue("$p", id);
                cmd.ExecuteNonQuery();
            }
            Bump(tx);
            tx.Commit();
            foreach (var f in ids)
            {
                _faceOwner.Remove(f);
                _hnsw?.Remove((ulong)f);
            }
            _personId.Remove(person);
            _personName[id] = null;
            _dirty = true;
            return true;
        }
    }

    /// <summary>Counts this process's write in the sidecar's generation; a write by another process in between makes
    /// this process's HNSW file stale (then it is not saved, and the next open rebuilds it).</summary>
    private void Bump(SqliteTransaction tx)
    {
        using var cmd = Command("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation' RETURNING CAST(value AS INTEGER)", tx);
        long now = (long)cmd.ExecuteScalar()!;
        if (now != _knownGeneration + 1) _stale = true;
        _knownGeneration = now;
    }

    /// <summary>Each enrolment and removal is one committed SQLite transaction; the HNSW file is a cache saved by <see cref="Flush"/>.</summary>
    public bool DurableWrites => true;

    public void Flush()
    {
        if (_readOnly || !_dirty || _hnsw is null || _stale) return;
        lock (_writeLock)
        {
            var temp = IndexPath + ".tmp";
            _hnsw.Save(temp);
            File.Move(temp, IndexPath, overwrite: true);
            _vectors?.Commit(_knownGeneration);
            using var cmd = Command("INSERT INTO meta VALUES ('index_generation', $g) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
            cmd.Parameters.AddWithValue("$g", _knownGeneration.ToString(System.Globalization.CultureInfo.InvariantCulture));
            cmd.ExecuteNonQuery();
            _dirty = false;
        }
    }

    public void Dispose()
    {
        _hnsw?.Dispose();
        _hnsw = null;
        _vectors?.Dispose();
        _vectors = null;
        _db.Dispose();
    }

    private void ThrowIfReadOnly()
    {
        if (_readOnly) throw new InvalidOperationException($"{IndexPath}: opened read-only");
    }

    private long EstimatedBytesPerVector() => (_info?.Dimension ?? 0) * (_scalar switch { ScalarKind.Float32 => 4, ScalarKind.Float16 => 2, _ => 1 }) + (long)_connectivity * 2 * 4;

    private HnswGraph NewHnsw(int dimension)
    {
        var graph = HnswGraph.Create(dimension, _scalar, (ulong)_connectivity, (ulong)_expansionAdd, (ulong)SearchWidth);
        graph.Threads = _asked.Threads ?? Environment.ProcessorCount;
        return graph;
    }

    private static string Invariant(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static ScalarKind ParseScalar(string s) => s.ToLowerInvariant() switch
    {
        "f32" or "float32" => ScalarKind.Float32,
        "f16" or "float16" => ScalarKind.Float16,
        "i8" or "int8" => ScalarKind.Int8,
        _ => throw new BadInputException($"unknown HNSW storage '{s}' (use f32, f16 or i8)"),
    };

    private static string ScalarName(ScalarKind k) => k switch { ScalarKind.Float32 => "f32", ScalarKind.Float16 => "f16", ScalarKind.Int8 => "i8", _ => k.ToString() };

    private SqliteCommand Command(string sql, SqliteTransaction? tx = null)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    private void Exec(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }

    internal static byte[] ToBlob(float[] e) => MemoryMarshal.AsBytes(e.AsSpan()).ToArray();

    internal static float[] FromBlob(byte[] b) => MemoryMarshal.Cast<byte, float>(b).ToArray();
}
