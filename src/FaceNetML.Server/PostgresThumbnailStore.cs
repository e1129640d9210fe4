using System.Net.Sockets;
using FaceNetML.Recognition;
using Npgsql;

namespace FaceNetML.Server;

/// <summary>
/// Thumbnails of a PostgreSQL gallery, in a table next to its tables (<c>T_thumbnail</c>: person, face id, JPEG bytes),
/// so every server sharing the database sees them. A connection is opened per call, as the gallery does (a server that
/// accepts one connection at a time resets the others: those resets are retried for up to 60 s).
/// </summary>
public sealed class PostgresThumbnailStore : IThumbnailStore
{
    private readonly string _connection, _table, _display;

    public PostgresThumbnailStore(string url)
    {
        var parsed = PostgresUrl.Parse(url);
        _connection = parsed.ConnectionString;
        _table = parsed.Table + "_thumbnail";
        _display = parsed.Display;
        Run(c => Exec(c, $"CREATE TABLE IF NOT EXISTS {_table} (person text NOT NULL, face text NOT NULL, jpeg bytea NOT NULL, PRIMARY KEY (person, face))"));
    }

    public void Put(string person, string faceId, byte[] jpeg) => Run(c => Exec(c,
        $"INSERT INTO {_table} VALUES ($1, $2, $3) ON CONFLICT (person, face) DO UPDATE SET jpeg = excluded.jpeg", person, faceId, jpeg));

    public byte[]? Get(string person, string faceId) => Run(c =>
    {
        using var cmd = Command(c, $"SELECT jpeg FROM {_table} WHERE person = $1 AND face = $2", person, faceId);
        return cmd.ExecuteScalar() as byte[];
    });

    public bool Has(string person, string faceId) => Run(c =>
    {
        using var cmd = Command(c, $"SELECT EXISTS (SELECT 1 FROM {_table} WHERE person = $1 AND face = $2)", person, faceId);
        return (bool)cmd.ExecuteScalar()!;
    });

    public void RemoveFace(string person, string faceId) => Run(c => Exec(c, $"DELETE FROM {_table} WHERE person = $1 AND face = $2", person, faceId));

    public void RemovePerson(string person) => Run(c => Exec(c, $"DELETE FROM {_table} WHERE person = $1", person));

    public void Rename(string person, string to) => Merge(person, to);

    public void Merge(string person, string into) => Run(c =>
    {
        using var tx = c.BeginTransaction();
        Exec(c, $"INSERT INTO {_table} SELECT $2, face, jpeg FROM {_table} WHERE person = $1 ON CONFLICT (person, face) DO NOTHING", person, into);
        Exec(c, $"DELETE FROM {_table} WHERE person = $1", person);
        tx.Commit();
        return 0;
    });

    public void Dispose() { }

    private static NpgsqlCommand Command(NpgsqlConnection c, string sql, params object[] values)
    {
        var cmd = new NpgsqlCommand(sql, c);
        foreach (var v in values) cmd.Parameters.AddWithValue(v);
        return cmd;
    }

    private static int Exec(NpgsqlConnection c, string sql, params object[] values)
    {
        using var cmd = Command(c, sql, values);
        return cmd.ExecuteNonQuery();
    }

    private void Run(Func<NpgsqlConnection, int> action) => Run<int>(action);

    /// <summary>Runs on a fresh connection; database failures become one-line errors naming the gallery.</summary>
    private T Run<T>(Func<NpgsqlConnection, T> action)
    {
        try
        {
            using var c = Connect();
            return action(c);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            throw new BadInputException($"{_display}: thumbnails: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    private NpgsqlConnection Connect()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        for (int attempt = 0; ; attempt++)
        {
            var c = new NpgsqlConnection(_connection);
            try
            {
                c.Open();
                return c;
            }
            catch (NpgsqlException e) when (e is not PostgresException && DateTime.UtcNow < deadline && IsReset(e))
            {
                c.Dispose();
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
}
