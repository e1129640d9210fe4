namespace FaceNetML.Verification;

/// <summary>
/// One verification pair of the LFW protocol: two image paths, whether they show the same person, and the
/// 0-based fold (cross-validation split) the pair belongs to.
/// </summary>
/// <param name="PathA">Full path of the first image (<c>&lt;images&gt;/&lt;name&gt;/&lt;name&gt;_&lt;i:D4&gt;.jpg</c>).</param>
/// <param name="PathB">Full path of the second image.</param>
/// <param name="Same"><c>true</c> for a same-person pair (<c>name i j</c> line), <c>false</c> for a different-person pair.</param>
/// <param name="Fold">0-based fold index, <c>0 .. Folds-1</c>, in file order.</param>
public sealed record LfwPair(string PathA, string PathB, bool Same, int Fold);
