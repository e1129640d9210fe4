using System.Diagnostics;
using FaceNetML.Cli;

namespace FaceNetML.Tests.HostileInput;

/// <summary>
/// The hostile files, made by the tests in one temporary folder (once per run) from small fixtures: each kind of
/// unusable image path the CLI must refuse with a one-line error while the good files of a batch keep their results.
/// </summary>
internal static class HostileFiles
{
    private static readonly Lazy<string> Folder = new(Make);

    public static string Dir => Folder.Value;

    public static string Path(string name) => System.IO.Path.Combine(Dir, name);

    /// <summary>Each bad image kind: a file name in <see cref="Dir"/> (or an absolute path) and a phrase of its error.</summary>
    public static IReadOnlyList<(string Kind, string Path, string Error)> BadImages { get; } =
    [
        ("truncated JPEG", "truncated.jpg", "corrupt or truncated"),
        ("text file", "notes.jpg", "not a supported image"),
        ("zero-byte file", "empty.jpg", "zero-byte"),
        ("character device", "/dev/zero", "not a regular file"),
        ("link to a device", "zero-link.jpg", "not a regular file"),
        ("FIFO without a writer", "pipe.jpg", "not a regular file"),
        ("directory", "folder.jpg", "is a directory"),
        ("missing file", "missing.jpg", "file not found"),
        ("response-file name", "@photo.jpg", "file not found"),
        ("16384x16384 PNG bomb", "bomb.png", "image too large"),
    ];

    public static string Resolve(string nameOrPath) => System.IO.Path.IsPathRooted(nameOrPath) || nameOrPath.StartsWith('@') ? nameOrPath : Path(nameOrPath);

    /// <summary>A 16384x16384 PNG: 2^28 pixels, about 260 KB on disk, 1 GB as RGBA.</summary>
    public static string Bomb => Path("bomb.png");

    private static string Make()
    {
        var dir = TestData.TempDir("hostile");
        var jpeg = File.ReadAllBytes(TestData.Photo("obama.jpg"));
        File.WriteAllBytes(System.IO.Path.Combine(dir, "truncated.jpg"), jpeg[..(jpeg.Length / 3)]);
        File.WriteAllText(System.IO.Path.Combine(dir, "notes.jpg"), "this is not an image\n");
        File.WriteAllBytes(System.IO.Path.Combine(dir, "empty.jpg"), []);
        File.CreateSymbolicLink(System.IO.Path.Combine(dir, "zero-link.jpg"), "/dev/zero");
        using (var mkfifo = Process.Start("mkfifo", System.IO.Path.Combine(dir, "pipe.jpg")))
        {
            mkfifo.WaitForExit();
            Assert.AreEqual(0, mkfifo.ExitCode, "mkfifo");
        }
        Directory.CreateDirectory(System.IO.Path.Combine(dir, "folder.jpg"));
        UniformPng.Write(System.IO.Path.Combine(dir, "bomb.png"), 16384, 16384);
        return dir;
    }
}
