namespace FaceNetML.Models;

/// <summary>One file of an npm package that a built-in model is made from, pinned by its SHA-256.</summary>
/// <param name="FileName">The file's name; also its name in an unpacked folder and in a kept copy.</param>
/// <param name="PathInPackage">Its path inside the package tarball (<c>package/...</c>).</param>
internal sealed record PinnedFile(string FileName, string PathInPackage, string Sha256);
