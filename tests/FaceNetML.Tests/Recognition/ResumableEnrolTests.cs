using System.Diagnostics;
using FaceNetML.Recognition;
using FaceNetML.Tests.Cli;
using Microsoft.Data.Sqlite;

namespace FaceNetML.Tests.Recognition;

/// <summary>An enrolment killed mid-way keeps whole people only, and running it again gives the gallery an uninterrupted
/// enrolment gives.</summary>
[TestClass]
public sealed class ResumableEnrolTests
{
    private static int People(string sidecar)
    {
        if (!File.Exists(sidecar)) return 0;
        try
        {
            using var c = new SqliteConnection($"Data Source={sidecar};Mode=ReadOnly;Pooling=False");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM person";
            return Convert.ToInt32(cmd.ExecuteScalar());
        }
        catch (SqliteException)
        {
            return 0; // the writer is still creating the tables
        }
    }

    [TestMethod]
    public void Enrol_KilledMidWay_ThenRunAgain_EqualsAnUninterruptedEnrol()
    {
        var dir = TestData.TempDir("resume-enrol");
        // Twenty CelebA identities (about 30 photos each): long enough to be killed between batches of two people.
        var folder = Directory.CreateDirectory(Path.Combine(dir, "people")).FullName;
        foreach (var identity in Directory.GetDirectories(TestData.DataPath("celeba-train")).Order(StringComparer.Ordinal).Take(20))
            Directory.CreateSymbolicLink(Path.Combine(folder, Path.GetFileName(identity)), identity);

        var whole = Path.Combine(dir, "whole.usearch");
        var r = CliRunner.Run("enroll", folder, "--out", whole, "--batch-people", "2", "--json");
        Assert.AreEqual(0, r.ExitCode, r.Stderr);

        var resumed = Path.Combine(dir, "resumed.usearch");
        var start = CliRunner.StartInfo("enroll", folder, "--out", resumed, "--batch-people", "2", "--json");
        using (var run = Process.Start(start)!)
        {
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (People(resumed + ".sqlite") < 2 && !run.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(50);
            Assert.IsFalse(run.HasExited, "the enrolment finished before it could be interrupted");
            run.Kill(entireProcessTree: true);
            run.WaitForExit();
        }
        int kept = People(resumed + ".sqlite");
        Assert.IsTrue(kept is >= 2 and < 20, $"the interrupted run kept {kept} whole people");
        using (var partial = GalleryStore.OpenRead(resumed))
            foreach (var name in partial.Index.PersonNames())
                Assert.AreEqual(Directory.GetFiles(Path.Combine(folder, name)).Length, partial[name]!.Embeddings.Count, $"{name} is whole");

        var again = CliRunner.Run("enroll", folder, "--out", resumed, "--batch-people", "2", "--json");
        Assert.AreEqual(0, again.ExitCode, again.Stderr);

        using var a = GalleryStore.OpenRead(whole);
        using var b = GalleryStore.OpenRead(resumed);
        Assert.AreEqual(a.PersonCount, b.PersonCount);
        Assert.AreEqual(a.EmbeddingCount, b.EmbeddingCount);
        CollectionAssert.AreEqual(a.Index.PersonNames().ToList(), b.Index.PersonNames().ToList(), "the same people in the same order");
        foreach (var name in a.Index.PersonNames())
        {
            var pa = a[name]!;
            var pb = b[name]!;
            CollectionAssert.AreEquivalent(pa.Sources.ToList(), pb.Sources.ToList(), name);
            for (int i = 0; i < pa.Embeddings.Count; i++)
                CollectionAssert.AreEqual(pa.Embeddings[i], pb.Embeddings[pb.Sources.ToList().IndexOf(pa.Sources[i])], $"{name} {pa.Sources[i]}");
        }
    }
}
