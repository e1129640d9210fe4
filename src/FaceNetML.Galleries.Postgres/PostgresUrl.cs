using Npgsql;

namespace FaceNetML.Recognition;

/// <summary>
/// A gallery in PostgreSQL named by URL: <c>postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE?table=NAME</c>. Other
/// query parameters are the index tuning (<c>m</c>, <c>ef_construction</c>, <c>ef_search</c>, <c>rerank</c>:
/// <see cref="PgVectorOptions"/>) or Npgsql connection-string keys (for example <c>pooling=false</c>, <c>timeout=5</c>).
/// The password may also come from <c>PGPASSWORD</c>.
/// </summary>
public sealed record PostgresUrl(string ConnectionString, string Table, string Display)
{
    /// <summary>The index tuning given in the URL.</summary>
    public PgVectorOptions Options { get; init; } = new();

    public static bool Looks(string location) =>
        location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <exception cref="BadInputException">Not a valid gallery URL (one line).</exception>
    public static PostgresUrl Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql") || string.IsNullOrEmpty(uri.Host))
            throw new BadInputException($"{Redact(url)}: not a PostgreSQL URL (expected postgres://user@host:port/database?table=NAME)");
        var db = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (db.Length == 0 || db.Contains('/'))
            throw new BadInputException($"{Redact(url)}: the URL names no database (expected postgres://user@host:port/database?table=NAME)");
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = db,
            Timeout = 10,
        };
        var user = uri.UserInfo.Split(':', 2);
        if (user[0].Length > 0) b.Username = Uri.UnescapeDataString(user[0]);
        if (user.Length > 1) b.Password = Uri.UnescapeDataString(user[1]);
        else if (Environment.GetEnvironmentVariable("PGPASSWORD") is { Length: > 0 } pw) b.Password = pw;
        string? table = null;
        var options = new PgVectorOptions();
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var value = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "";
            if (key.Equals("table", StringComparison.OrdinalIgnoreCase)) table = value;
            else if (options.With(key, value) is { } set) options = set;
            else
            {
                try
                {
                    b[key] = value;
                }
                catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
                {
                    throw new BadInputException($"{Redact(url)}: bad URL parameter '{key}' ({e.Message.ReplaceLineEndings(" ")})", e);
                }
            }
        }
        table ??= "faces";
        if (!System.Text.RegularExpressions.Regex.IsMatch(table, "^[a-z_][a-z0-9_]{0,50}$"))
            throw new BadInputException($"{Redact(url)}: table '{table}' must be lower-case letters, digits and _ (at most 51)");
        return new PostgresUrl(b.ConnectionString, table, Redact(url)) { Options = options.Validated() };
    }

    /// <summary>The URL without its password.</summary>
    public static string Redact(string url) => System.Text.RegularExpressions.Regex.Replace(url, "(://[^:/@]*):[^@]*@", "$1:***@");
}
