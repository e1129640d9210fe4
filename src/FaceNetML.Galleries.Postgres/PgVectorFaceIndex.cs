using System.Globalization;
using System.Net.Sockets;
using Npgsql;
using Pgvector;

namespace FaceNetML.Recognition;

/// <summary>
/// The PostgreSQL + pgvector backend (any PostgreSQL ≥ 13 with the <c>vector</c> extension): several processes or
/// machines share one gallery. Tables: <c>T_meta</c> (model, threshold, dimension, rule), <c>T_person</c> (id, unique
/// name) and <c>T</c> (face rows: person, source, quality, <c>vector(D)</c> embedding, unique per person and source)
/// with an HNSW index (<c>vector_l2_ops</c>, explicit <c>m</c> and <c>ef_construction</c>: <see cref="PgVectorOptions"/>).
/// The enrolment of one person is one transaction, so an interruption never leaves half a person, and the
/// (person, source) key makes a repeated or concurrent enrolment add no duplicate. A new table gets its HNSW index after
/// the first bulk load (<see cref="Flush"/>), which builds faster than growing it row by row. A search sets
/// <c>hnsw.ef_search</c> (and, on pgvector 0.8 or later, <c>hnsw.iterative_scan = relaxed_order</c>), takes the
/// index's nearest candidates and re-ranks them by exact f32 distance in .NET, the arithmetic of
/// <see cref="ExactFaceIndex"/>.
/// </summary>
/// <remarks>Each operation takes a connection from Npgsql's pool and returns it (add <c>pooling=false</c> to the URL
/// for servers that accept one connection at a time, such as PGlite's socket server).</remarks>
public sealed partial class PgVectorFaceIndex : IFaceIndex
{
    private readonly PostgresUrl _url;
    private NpgsqlDataSource _source;
    private readonly bool _readOnly;
    private GalleryInfo? _info;
    private readonly string _t, _person, _meta;
    private readonly PgVectorOptions _options;
    private bool _hasIndex, _iterative;

    private PgVectorFaceIndex(PostgresUrl url, bool readOnly, PgVectorOptions? options)
    {
        _url = url;
        _options = url.Options.Over(options).Validated();
        _readOnly = readOnly;
        _source = Build(url);
        _t = url.Table;
        _person = url.Table + "_person";
        _meta = url.Table + "_meta";
    }

    private static NpgsqlDataSource Build(PostgresUrl url)
    {
        var b = new NpgsqlDataSourceBuilder(url.ConnectionString);
        b.UseVector();
        return b.Build();
    }

    public string Backend => "pgvector";

    /// <summary>The tuning in effect.</summary>
    public PgVectorOptions Options => _options;

    /// <summary>The server's pgvector version (e.g. <c>0.8.0</c>), or null before the extension exists.</summary>
    public string? ExtensionVersion { get; private set; }
    public string Location => _url.Display;
    public GalleryInfo? Info => _info;

    /// <summary>Opens a gallery table (a missing one is created on the first enrolment unless <paramref name="readOnly"/>).</summary>
    /// <exception cref="BadInputException">Bad URL, unreachable server, a table of another schema, or (read-only) no such table.</exception>
    public static PgVectorFaceIndex Open(string url, bool readOnly, PgVectorOptions? options = null)
    {
        var index = new PgVectorFaceIndex(PostgresUrl.Parse(url), readOnly, options);
        try
        {
            index.Guard(index.Load);
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    private void Load()
    {
        using var c = Connect();
        var tables = new HashSet<string>(StringComparer.Ordinal);
        using (var cmd = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ANY($1)", c))
        {
            cmd.Parameters.AddWithValue(new[] { _t, _person, _meta });
            using var r = cmd.ExecuteReader();
            while (r.Read()) tables.Add(r.GetString(0));
        }
        if (tables.Count == 0)
        {
            if (_readOnly) throw new BadInputException($"{Location}: no gallery table '{_t}' (enrol into it first)");
            return;
        }
        CheckSchema(c, tables);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var cmd = new NpgsqlCommand($"SELECT key, value FROM {_meta}", c))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) meta[r.GetString(0)] = r.GetString(1);
        if (!meta.TryGetValue("model", out var model) || !meta.TryGetValue("threshold", out var t) || !meta.TryGetValue("dimension", out var d) || !meta.TryGetValue("rule", out var rule))
            throw new BadInputException($"{Location}: table {_meta} lacks model, threshold, dimension or rule");
        _info = new GalleryInfo(model, float.Parse(t, CultureInfo.InvariantCulture), int.Parse(d, CultureInfo.InvariantCulture), rule);
        _counted = meta.ContainsKey(PeopleKey) && meta.ContainsKey(FacesKey);
        if (!_counted && !_readOnly)
        {
            // A table from before the stored counts: count once, with writers held off, and keep the counts from now on.
            using var tx = c.BeginTransaction();
            Exec(c, tx, $"LOCK TABLE {_person}, {_t} IN SHARE MODE");
            Exec(c, tx, $"""
                INSERT INTO {_meta} VALUES ('{PeopleKey}', (SELECT count(*) FROM {_person})::text) ON CONFLICT (key) DO NOTHING;
                INSERT INTO {_meta} VALUES ('{FacesKey}', (SELECT count(*) FROM {_t})::text) ON CONFLICT (key) DO NOTHING;
                """);
            tx.Commit();
            _counted = true;
        }
        DetectVersion(c);
        using (var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1)", c))
        {
            cmd.Parameters.AddWithValue(_t + "_hnsw");
            _hasIndex = (bool)cmd.ExecuteScalar()!;
        }
        // A bulk load interrupted before its index was built: build it now (a read-only open searches exactly without it).
        if (!_hasIndex && !_readOnly)
        {
            using var any = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {_t})", c);
            if ((bool)any.ExecuteScalar()!) CreateIndex(c);
        }
    }

    /// <summary>Reads the vector extension's version; iterative index scans need 0.8 or later.</summary>
    private void DetectVersion(NpgsqlConnection c)
    {
        using var cmd = new NpgsqlCommand("SELECT extversion FROM pg_extension WHERE extname = 'vector'", c);
        ExtensionVersion = cmd.ExecuteScalar() as string;
        _iterative = ExtensionVersion is { } v && Version.TryParse(v.Split('-')[0], out var parsed) && parsed >= new Version(0, 8);
    }

    /// <summary>Creates the HNSW index with the gallery's m and ef_construction.</summary>
    private void CreateIndex(NpgsqlConnection c)
    {
        try
        {
            // Building the index of a large table takes minutes: no command timeout, and room for the graph in memory
            // (pgvector builds far slower once the graph no longer fits into maintenance_work_mem, 64 MB by default).
            using var cmd = new NpgsqlCommand($"SET maintenance_work_mem = '256MB'; CREATE INDEX IF NOT EXISTS {_t}_hnsw ON {_t} USING hnsw (embedding vector_l2_ops) WITH (m = {_options.MOrDefault}, ef_construction = {_options.EfConstructionOrDefault})", c)
            {
                CommandTimeout = 0,
            };
            cmd.ExecuteNonQuery();
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
        {
            // Another writer created it at the same moment (IF NOT EXISTS does not serialise two creators).
        }
        _hasIndex = true;
    }

    private const string PeopleKey = "people", FacesKey = "faces";

    /// <summary>Whether the meta table keeps the person and face counts (kept in the same transaction as every change).</summary>
    private bool _counted;

    /// <summary>A stored count: one primary-key lookup, whatever the gallery's size (a read-only open of a table from
    /// before the stored counts counts its rows).</summary>
    private long Count(string key, string table) => _info is null ? 0 : Guard(() => _counted
        ? long.Parse(Scalar<string>($"SELECT value FROM {_meta} WHERE key = '{key}'"), CultureInfo.InvariantCulture)
        : Scalar<long>($"SELECT count(*) FROM {table}"));

    private void CheckSchema(NpgsqlConnection c, HashSet<string> tables)
    {
        var expected = new Dictionary<string, string[]>
        {
            [_meta] = ["key", "value"],
            [_person] = ["id", "name"],
            [_t] = ["id", "person_id", "source", "quality", "embedding"],
        };
        foreach (var (table, columns) in expected)
        {
            if (!tables.Contains(table))
                throw new BadInputException($"{Location}: table '{_t}' is not a FaceNetML gallery (no {table} table)");
            var have = new Dictionary<string, string>(StringComparer.Ordinal);
            using var cmd = new NpgsqlCommand("SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1", c);
            cmd.Parameters.AddWithValue(table);
            using (var r = cmd.ExecuteReader())
                while (r.Read()) have[r.GetString(0)] = r.GetString(1);
            var missing = columns.Where(col => !have.ContainsKey(col)).ToList();
            if (missing.Count > 0)
                throw new BadInputException($"{Location}: table '{table}' is not a FaceNetML gallery table (no column {string.Join(", ", missing)})");
            if (table == _t) _grayColumn = have.ContainsKey("gray");
        }
        // Tables written before the grayscale flag get the column (every old face counts as colour).
        if (!_grayColumn && !_readOnly)
        {
            using var alter = new NpgsqlCommand($"ALTER TABLE {_t} ADD COLUMN IF NOT EXISTS gray boolean NOT NULL DEFAULT false", c);
            alter.ExecuteNonQuery();
            _grayColumn = true;
        }
        using (var cmd = new NpgsqlCommand("SELECT udt_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'embedding'", c))
        {
            cmd.Parameters.AddWithValue(_t);
            if (cmd.ExecuteScalar() as string != "vector")
                throw new BadInputException($"{Location}: column {_t}.embedding is not a pgvector vector");
        }
    }

    public void Initialise(GalleryInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (_readOnly) throw new InvalidOperationException($"{Location}: opened read-only");
        Guard(() =>
        {
            using (var e = Connect())
            using (var ext = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS vector", e))
                ext.ExecuteNonQuery();
            // Npgsql caches the server's types per data source: after CREATE EXTENSION the vector type must be
            // reloaded (ReloadTypes), which a fresh data source does on its first connection. (ReloadTypes on an open
            // connection would open a second one, which a one-connection server such as PGlite refuses.)
            _source.Dispose();
            _source = Build(_url);
            using (var c = Connect())
            {
            using var tx = c.BeginTransaction();
            Exec(c, tx, $"""
                CREATE TABLE IF NOT EXISTS {_meta} (key text PRIMARY KEY, value text NOT NULL);
                CREATE TABLE IF NOT EXISTS {_person} (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
                CREATE TABLE IF NOT EXISTS {_t} (id bigserial PRIMARY KEY, person_id integer NOT NULL REFERENCES {_person}(id) ON DELETE CASCADE,
                    source text NOT NULL, quality real, embedding vector({info.Dimension}) NOT NULL, gray boolean NOT NULL DEFAULT false,
                    UNIQUE (person_id, source));
                """);
            foreach (var (k, v) in new[] { ("model", info.Model), ("threshold", info.Threshold.ToString("R", CultureInfo.InvariantCulture)),
                         ("dimension", info.Dimension.ToString(CultureInfo.InvariantCulture)), ("rule", info.RuleJson), (PeopleKey, "0"), (FacesKey, "0") })
            {
                // A concurrent creator may have won: keep its metadata, then check it below.
                using var cmd = new NpgsqlCommand($"INSERT INTO {_meta} VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", c, tx);
                cmd.Parameters.AddWithValue(k);
                cmd.Parameters.AddWithValue(v);
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
            }
            Load(); // after the connection above is closed: one connection at a time
        });
        if (_info!.Model != info.Model || _info.Dimension != info.Dimension)
            throw new BadInputException($"{Location}: the gallery was built with model '{_info.Model}' ({_info.Dimension} values), not '{info.Model}'");
    }

    /// <summary>Every change is one committed transaction.</summary>
    public bool DurableWrites => true;

    public int PersonCount => checked((int)Count(PeopleKey, _person));

    public bool HasGrayFaces => _info is not null && _grayColumn && Guard(() => Scalar<bool>($"SELECT EXISTS (SELECT 1 FROM {_t} WHERE gray)"));

    /// <summary>Whether the face table has the grayscale column (a read-only open of an older table may lack it).</summary>
    private bool _grayColumn = true;

    private string GrayColumn => _grayColumn ? "f.gray" : "false";

    public long FaceCount => Count(FacesKey, _t);

    public long ApproximateBytes => _info is null ? 0 : Guard(() => Scalar<long>($"SELECT pg_total_relation_size('{_t}') + pg_total_relation_size('{_person}')"));

    public IReadOnlyList<FaceMatch> Search(ReadOnlySpan<float> query, int k)
    {
        if (_info is null || k <= 0) return [];
        var exact = query.ToArray();
        var q = new Vector(exact);
        int candidates = Math.Min(1000, Math.Max(k, _options.RerankOrDefault));
        return Guard(() =>
        {
            if (!_hasIndex && !_readOnly) Flush();
            using var c = Connect();
            using var tx = c.BeginTransaction();
            Exec(c, tx, $"SET LOCAL hnsw.ef_search = {Math.Max(_options.EfSearchOrDefault, candidates)}"
                + (_iterative ? "; SET LOCAL hnsw.iterative_scan = relaxed_order" : ""));
            // The index's candidates (iterative scans may return them slightly out of order), then their exact distances.
            using var cmd = new NpgsqlCommand($"""
                SELECT p.name, c.embedding FROM (SELECT person_id, embedding FROM {_t} ORDER BY embedding <-> $1 LIMIT $2) c
                JOIN {_person} p ON p.id = c.person_id
                """, c, tx);
            cmd.Parameters.AddWithValue(q);
            cmd.Parameters.AddWithValue(candidates);
            var scored = new List<(float D, string Name)>(candidates);
            using (var r = cmd.ExecuteReader())
                while (r.Read())
                    scored.Add((Verification.EmbeddingDistance.SquaredEuclidean(r.GetFieldValue<Vector>(1).Memory.Span, exact), r.GetString(0)));
            scored.Sort((a, b) => a.D.CompareTo(b.D));
            return (IReadOnlyList<FaceMatch>)[.. scored.Take(k).Select(s => new FaceMatch(s.Name, MathF.Sqrt(s.D)))];
        });
    }

    public GalleryPerson? Person(string name)
    {
        if (_info is null) return null;
        return Guard(() =>
        {
            using var c = Connect();
            using var cmd = new NpgsqlCommand($"SELECT f.embedding, f.source, {GrayColumn} FROM {_t} f JOIN {_person} p ON p.id = f.person_id WHERE p.name = $1 ORDER BY f.id", c);
            cmd.Parameters.AddWithValue(name);
            var p = new GalleryPerson(name);
            using (var r = cmd.ExecuteReader())
                while (r.Read()) p.Add(r.GetFieldValue<Vector>(0).ToArray(), r.GetString(1), r.GetBoolean(2));
            return p.Embeddings.Count == 0 ? null : p;
        });
    }

    public IReadOnlyList<string> PersonNames()
    {
        if (_info is null) return [];
        return Guard(() =>
        {
            using var c = Connect();
            using var cmd = new NpgsqlCommand($"SELECT name FROM {_person} ORDER BY id", c);
            var names = new List<string>();
            using (var r = cmd.ExecuteReader())
                while (r.Read()) names.Add(r.GetString(0));
            return (IReadOnlyList<string>)names;
        });
    }

    public int AddFaces(string person, IReadOnlyList<EnrolledFace> faces)
    {
        if (_readOnly) throw new InvalidOperationException($"{Location}: opened read-only");
        if (_info is null) throw new InvalidOperationException($"{Location}: initialise the gallery before adding faces");
        if (faces.Count == 0) return 0;
        foreach (var f in faces)
            if (f.Embedding.Length != _info.Dimension)
                throw new ArgumentException($"embedding has {f.Embedding.Length} values; the gallery's have {_info.Dimension}");
        return Guard(() =>
        {
            using var c = Connect();
            using var tx = c.BeginTransaction();
            int id;
            bool newPerson;
            using (var cmd = new NpgsqlCommand($"INSERT INTO {_person} (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id, xmax = 0", c, tx))
            {
                // DO UPDATE (not NOTHING) locks the person's row: concurrent enrolments of one person queue here.
                // xmax = 0 on the returned row: it was inserted, not updated.
                cmd.Parameters.AddWithValue(person);
                using var r = cmd.ExecuteReader();
                r.Read();
                id = r.GetInt32(0);
                newPerson = r.GetBoolean(1);
            }
            int added = 0;
            using (var batch = new NpgsqlBatch(c, tx))
            {
                foreach (var f in faces)
                {
                    var cmd = new NpgsqlBatchCommand($"INSERT INTO {_t} (person_id, source, quality, embedding, gray) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (person_id, source) DO NOTHING");
                    cmd.Parameters.Add(new NpgsqlParameter { Value = id });
                    AddFaceValues(cmd, f);
                    batch.BatchCommands.Add(cmd);
                }
                batch.ExecuteNonQuery();
                foreach (var bc in batch.BatchCommands) added += bc.RecordsAffected;
            }
            if (_counted) AddToCounts(c, tx, newPerson ? 1 : 0, added);
            tx.Commit();
            return added;
        });
    }

    /// <summary>The face's values $2-$5 of an insert into the face table: source, quality (null when unknown), embedding, gray.</summary>
    private static void AddFaceValues(NpgsqlBatchCommand cmd, EnrolledFace f)
    {
        cmd.Parameters.Add(new NpgsqlParameter { Value = f.Source });
        cmd.Parameters.Add(new NpgsqlParameter { Value = float.IsFinite(f.Quality) ? f.Quality : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Real });
        cmd.Parameters.Add(new NpgsqlParameter { Value = new Vector(f.Embedding) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = f.Gray });
    }

    /// <summary>Bulk loading: each call is one transaction and one round trip for all its persons (a person still
    /// lands whole or not at all). A new table gets its HNSW index at <see cref="Flush"/>, after the rows.</summary>
    public long AddPeople(IReadOnlyList<(string Person, IReadOnlyList<EnrolledFace> Faces)> people)
    {
        if (_readOnly) throw new InvalidOperationException($"{Location}: opened read-only");
        if (_info is null) throw new InvalidOperationException($"{Location}: initialise the gallery before adding faces");
        foreach (var (_, faces) in people)
            foreach (var f in faces)
                if (f.Embedding.Length != _info.Dimension)
                    throw new ArgumentException($"embedding has {f.Embedding.Length} values; the gallery's have {_info.Dimension}");
        if (people.All(p => p.Faces.Count == 0)) return 0;
        return Guard(() =>
        {
            using var c = Connect();
            using var tx = c.BeginTransaction();
            long newPeople = 0, added = 0;
            using (var batch = new NpgsqlBatch(c, tx) { Timeout = 0 }) // a large batch into an indexed table may take long
            {
                var personCommands = new HashSet<NpgsqlBatchCommand>(ReferenceEqualityComparer.Instance);
                foreach (var (person, faces) in people)
                {
                    if (faces.Count == 0) continue;
                    var p = new NpgsqlBatchCommand($"INSERT INTO {_person} (name) VALUES ($1) ON CONFLICT (name) DO NOTHING");
                    p.Parameters.Add(new NpgsqlParameter { Value = person });
                    batch.BatchCommands.Add(p);
                    personCommands.Add(p);
                    foreach (var f in faces)
                    {
                        var cmd = new NpgsqlBatchCommand($"INSERT INTO {_t} (person_id, source, quality, embedding, gray) SELECT id, $2, $3, $4, $5 FROM {_person} WHERE name = $1 ON CONFLICT (person_id, source) DO NOTHING");
                        cmd.Parameters.Add(new NpgsqlParameter { Value = person });
                        AddFaceValues(cmd, f);
                        batch.BatchCommands.Add(cmd);
                    }
                }
                batch.ExecuteNonQuery();
                foreach (var bc in batch.BatchCommands)
                    if (personCommands.Contains(bc)) newPeople += bc.RecordsAffected;
                    else added += bc.RecordsAffected;
            }
            if (_counted) AddToCounts(c, tx, newPeople, added);
            tx.Commit();
            return added;
        });
    }

    public bool Remove(string person)
    {
        if (_readOnly) throw new InvalidOperationException($"{Location}: opened read-only");
        if (_info is null) return false;
        return Guard(() =>
        {
            using var c = Connect();
            using var tx = c.BeginTransaction();
            long faces;
            using (var cmd = new NpgsqlCommand($"WITH gone AS (DELETE FROM {_t} WHERE person_id = (SELECT id FROM {_person} WHERE name = $1) RETURNING 1) SELECT count(*) FROM gone", c, tx))
            {
                cmd.Parameters.AddWithValue(person);
                faces = (long)cmd.ExecuteScalar()!;
            }
            int people;
            using (var cmd = new NpgsqlCommand($"DELETE FROM {_person} WHERE name = $1", c, tx))
            {
                cmd.Parameters.AddWithValue(person);
                people = cmd.ExecuteNonQuery();
            }
            if (_counted) AddToCounts(c, tx, -people, -faces);
            tx.Commit();
            return people > 0;
        });
    }

    /// <summary>Moves the stored counts in the change's own transaction (the meta row's lock queues concurrent writers).</summary>
    private void AddToCounts(NpgsqlConnection c, NpgsqlTransaction tx, long people, long faces)
    {
        if (people == 0 && faces == 0) return;
        using var cmd = new NpgsqlCommand($"""
            UPDATE {_meta} SET value = (value::bigint + CASE key WHEN '{PeopleKey}' THEN $1 ELSE $2 END)::text
            WHERE key IN ('{PeopleKey}', '{FacesKey}')
            """, c, tx);
        cmd.Parameters.AddWithValue(people);
        cmd.Parameters.AddWithValue(faces);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Builds the HNSW index of a table that has none yet (a new gallery after its first load); every row is
    /// already committed.</summary>
    public void Flush()
    {
        if (_readOnly || _info is null || _hasIndex) return;
        Guard(() =>
        {
            using var c = Connect();
            CreateIndex(c);
        });
    }

    public void Dispose() => _source.Dispose();

    /// <summary>Opens a connection. A server that accepts one connection at a time (PGlite's socket server) resets a
    /// connection made while another is open, or just closed; such resets are retried for up to 60 s, so several
    /// processes queue for it. A refused connection (nothing listening) fails at once.</summary>
    private NpgsqlConnection Connect()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return _source.OpenConnection();
            }
            catch (NpgsqlException e) when (e is not PostgresException && IsReset(e) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(Math.Min(200, 10 * (attempt + 1)));
            }
        }
    }

    private static bool IsReset(Exception e)
    {
        for (var x = e.InnerException; x is not null; x = x.InnerException)
            if (x is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted } || x is EndOfStreamException) return true;
        return false;
    }

    private T Scalar<T>(string sql)
    {
        using var c = Connect();
        using var cmd = new NpgsqlCommand(sql, c);
        return (T)Convert.ChangeType(cmd.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }

    private static void Exec(NpgsqlConnection c, NpgsqlTransaction? tx, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c, tx);
        cmd.ExecuteNonQuery();
    }

    private void Guard(Action action) => Guard(() => { action(); return 0; });

    /// <summary>Turns connection and server errors into one-line bad-input errors naming the gallery.</summary>
    private T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (PostgresException e)
        {
            throw new BadInputException($"{Location}: {e.SqlState} {e.MessageText.ReplaceLineEndings(" ")}", e);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            if (Environment.GetEnvironmentVariable("FACENETML_DEBUG") is not null) Console.Error.WriteLine(e);
            var inner = e.InnerException is { } i ? $" ({i.Message.ReplaceLineEndings(" ")})" : "";
            throw new BadInputException($"{Location}: cannot reach the database: {e.Message.ReplaceLineEndings(" ")}{inner}", e);
        }
    }
}
