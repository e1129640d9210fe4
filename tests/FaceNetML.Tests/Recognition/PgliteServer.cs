using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FaceNetML.Tests.Recognition;

/// <summary>
/// A real PostgreSQL with pgvector for the tests: starts <c>scripts/pglite.sh</c> (PGlite's socket server, installed
/// from pinned npm packages on first use) on a free loopback port, and stops it (the whole process tree) on dispose.
/// PGlite serves one connection at a time, so gallery URLs carry <c>pooling=false</c>: each operation connects,
/// works and disconnects, and connections of several processes queue (see <c>PgVectorFaceIndex.Connect</c>).
/// </summary>
internal sealed class PgliteServer : IDisposable
{
    private readonly Process _process;

    public PgliteServer()
    {
        Port = FreePort();
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(TestData.RepoRoot, "scripts", "pglite.sh"));
        psi.ArgumentList.Add(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _process = Process.Start(psi)!;
        var ready = new TaskCompletionSource();
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Watch(string? line)
        {
            if (line is null) return;
            log.Enqueue(line);
            if (line.Contains("listening", StringComparison.OrdinalIgnoreCase)) ready.TrySetResult();
        }
        _process.OutputDataReceived += (_, e) => Watch(e.Data);
        _process.ErrorDataReceived += (_, e) => Watch(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (!ready.Task.Wait(TimeSpan.FromMinutes(3)) )
        {
            Dispose();
            Assert.Fail("PGlite did not start: " + string.Join(" | ", log));
        }
    }

    public int Port { get; }

    /// <summary>A gallery URL for a table of this server.</summary>
    public string Url(string table) => $"postgres://postgres@127.0.0.1:{Port}/postgres?table={table}&pooling=false";

    /// <summary>An open connection of the tests' own, retried while PGlite still serves the previous connection.</summary>
    public Npgsql.NpgsqlConnection Connect()
    {
        var cs = $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";
        for (int attempt = 0; ; attempt++)
        {
            var c = new Npgsql.NpgsqlConnection(cs);
            try
            {
                c.Open();
                return c;
            }
            catch (Npgsql.NpgsqlException) when (attempt < 200)
            {
                c.Dispose();
                Thread.Sleep(50);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
