using System.Globalization;

namespace FaceNetML.Verification;

/// <summary>
/// Reader for the LFW <c>pairs.txt</c> file in the View 2 format.
/// </summary>
/// <remarks>
/// <para>
/// The first line is the header <c>K N</c>: K folds, each with N same-person pairs followed by N
/// different-person pairs. A header holding the single number N means the classic 10 folds. Any positive
/// fold count is accepted (our development copy has <c>5 300</c>).
/// </para>
/// <para>
/// A same-person line is <c>name i j</c>, a different-person line <c>name1 i name2 j</c>; fields are separated
/// by tabs or spaces and indices are 1-based. Image <c>i</c> of <c>name</c> is
/// <c>&lt;images&gt;/&lt;name&gt;/&lt;name&gt;_&lt;i:D4&gt;.jpg</c>. Blank lines are ignored.
/// </para>
/// <para>
/// Any malformation (bad header, wrong field count, non-numeric or non-positive index, fewer or more lines
/// than the header promises) throws <see cref="BadInputException"/> whose one-line message names the file and
/// the line number.
/// </para>
/// </remarks>
public sealed class LfwPairs
{
    private LfwPairs(string source, string imagesDir, int folds, int pairsPerFold, IReadOnlyList<LfwPair> pairs)
    {
        Source = source;
        ImagesDir = imagesDir;
        Folds = folds;
        PairsPerFold = pairsPerFold;
        Pairs = pairs;
    }

    /// <summary>The most pairs a file may hold (LFW has 6,000).</summary>
    public const int MaxPairs = 10_000_000;

    /// <summary>The file (or name) the pairs were read from; used in error messages.</summary>
    public string Source { get; }

    /// <summary>The folder holding one sub-folder per person.</summary>
    public string ImagesDir { get; }

    /// <summary>Number of folds (K of the header; 10 when the header holds only N).</summary>
    public int Folds { get; }

    /// <summary>Same-person pairs per fold, which is also the number of different-person pairs per fold (N).</summary>
    public int PairsPerFold { get; }

    /// <summary>All pairs in file order: fold 0's N same then N different pairs, then fold 1, ...</summary>
    public IReadOnlyList<LfwPair> Pairs { get; }

    /// <summary>Number of pairs (<c>2 * Folds * PairsPerFold</c>).</summary>
    public int Count => Pairs.Count;

    /// <summary>The labels in pair order (<c>true</c> = same person), ready for <see cref="VerificationMetrics"/>.</summary>
    public bool[] Labels() => Pairs.Select(p => p.Same).ToArray();

    /// <summary>The fold indices in pair order, ready for <see cref="VerificationMetrics"/>.</summary>
    public int[] FoldIds() => Pairs.Select(p => p.Fold).ToArray();

    /// <summary>The distinct image paths the pairs use, sorted ordinally (to embed every image once).</summary>
    public IReadOnlyList<string> ImagePaths() =>
        Pairs.SelectMany(p => new[] { p.PathA, p.PathB }).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>The referenced image files that do not exist, sorted ordinally; empty when all are present.</summary>
    public IReadOnlyList<string> MissingImages() => ImagePaths().Where(p => !File.Exists(p)).ToList();

    /// <summary>The path of image <paramref name="index"/> (1-based) of <paramref name="name"/>.</summary>
    public static string ImagePath(string imagesDir, string name, int index) =>
        Path.Combine(imagesDir, name, $"{name}_{index.ToString("D4", CultureInfo.InvariantCulture)}.jpg");

    /// <summary>
    /// Reads a pairs file. <paramref name="imagesDir"/> defaults to the <c>images</c> folder beside the file.
    /// </summary>
    /// <exception cref="BadInputException">The file is missing, unreadable or malformed.</exception>
    public static LfwPairs Load(string pairsFile, string? imagesDir = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(pairsFile);
        var full = Path.GetFullPath(pairsFile);
        imagesDir = Path.GetFullPath(imagesDir ?? Path.Combine(Path.GetDirectoryName(full)!, "images"));
        if (!File.Exists(full))
            throw new BadInputException($"LFW pairs file not found: {full}");
        try
        {
            using var reader = new StreamReader(full);
            return Parse(reader, imagesDir, full);
        }
        catch (IOException e)
        {
            throw new BadInputException($"cannot read LFW pairs file {full}: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new BadInputException($"cannot read LFW pairs file {full}: {e.Message}", e);
        }
    }

    /// <summary>Parses pairs text; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="BadInputException">The text is malformed.</exception>
    public static LfwPairs Parse(TextReader reader, string imagesDir, string source = "pairs.txt")
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(imagesDir);
        var lineNo = 0;

        // Next non-blank line split into fields, or null at end of input.
        string[]? Next()
        {
            while (reader.ReadLine() is { } line)
            {
                lineNo++;
                var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 0)
                    return fields;
            }
            return null;
        }

        BadInputException Bad(string what) => new($"{source}, line {lineNo}: {what}");

        int Number(string field, string what, int min)
        {
            if (!int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < min)
                throw Bad($"{what} must be an integer >= {min}, found '{field}'");
            return v;
        }

        var header = Next() ?? throw new BadInputException($"{source}: empty LFW pairs file (expected a header 'folds pairs-per-fold')");
        int folds, perFold;
        switch (header.Length)
        {
            case 1:
                folds = 10;
                perFold = Number(header[0], "header pairs-per-fold", 1);
                break;
            case 2:
                folds = Number(header[0], "header fold count", 1);
                perFold = Number(header[1], "header pairs-per-fold", 1);
                break;
            default:
                throw Bad($"expected a header 'folds pairs-per-fold' or 'pairs-per-fold', found {header.Length} fields");
        }

        // The header is only a promise: a count beyond any real file is refused, and nothing is reserved for it.
        long promised = 2L * folds * perFold;
        if (promised > MaxPairs)
            throw Bad($"the header promises {promised.ToString("N0", CultureInfo.InvariantCulture)} pairs ({folds} folds x {perFold} same + {perFold} different), " +
                      $"more than the {MaxPairs.ToString("N0", CultureInfo.InvariantCulture)} a pairs file may hold");
        var pairs = new List<LfwPair>((int)Math.Min(promised, 1 << 16));
        for (var fold = 0; fold < folds; fold++)
        {
            for (var sameSection = 1; sameSection >= 0; sameSection--)
            {
                var same = sameSection == 1;
                for (var k = 0; k < perFold; k++)
                {
                    var f = Next();
                    if (f == null)
                    {
                        throw new BadInputException(
                            $"{source}, line {lineNo}: file ends after {pairs.Count} pairs but the header promises {promised} " +
                            $"({folds} folds x {perFold} same + {perFold} different); fold {fold + 1} is incomplete");
                    }
                    if (same)
                    {
                        if (f.Length != 3)
                            throw Bad($"expected a same-person pair 'name i j' (fold {fold + 1}, same pair {k + 1} of {perFold}), found {f.Length} fields");
                        var i = Number(f[1], "image index", 1);
                        var j = Number(f[2], "image index", 1);
                        pairs.Add(new LfwPair(ImagePath(imagesDir, f[0], i), ImagePath(imagesDir, f[0], j), true, fold));
                    }
                    else
                    {
                        if (f.Length != 4)
                            throw Bad($"expected a different-person pair 'name1 i name2 j' (fold {fold + 1}, different pair {k + 1} of {perFold}), found {f.Length} fields");
                        var i = Number(f[1], "image index", 1);
                        var j = Number(f[3], "image index", 1);
                        pairs.Add(new LfwPair(ImagePath(imagesDir, f[0], i), ImagePath(imagesDir, f[2], j), false, fold));
                    }
                }
            }
        }

        if (Next() != null)
            throw Bad($"unexpected extra line: the header promises only {promised} pairs ({folds} folds x {perFold} same + {perFold} different)");

        return new LfwPairs(source, imagesDir, folds, perFold, pairs);
    }
}
