using FaceNetML.Recognition;

namespace FaceNetML.Video;

/// <summary>What became of one person's labelled faces: <see cref="Faces"/> truth boxes that a detection overlapped, of
/// which <see cref="Named"/> were given the right name, <see cref="WrongName"/> another enrolled person's name (worse
/// than unknown), <see cref="Unknown"/> no name (<see cref="UnknownForQuality"/> of them because the face was too small or
/// too soft), and <see cref="NearestRight"/> had the right person as their most likely candidate, named or not.</summary>
public sealed record TruthFaceScore(int Faces, int Named, int WrongName, int Unknown, int UnknownForQuality, int NearestRight)
{
    public double WrongNameRate => Faces == 0 ? 0 : (double)WrongName / Faces;
    public double NearestRightRate => Faces == 0 ? 0 : (double)NearestRight / Faces;

    public static TruthFaceScore operator +(TruthFaceScore a, TruthFaceScore b) => new(a.Faces + b.Faces, a.Named + b.Named,
        a.WrongName + b.WrongName, a.Unknown + b.Unknown, a.UnknownForQuality + b.UnknownForQuality, a.NearestRight + b.NearestRight);
}

/// <summary>One labelled face and the detection that overlapped it best.</summary>
public sealed record TruthFaceMatch(TruthBox Truth, VideoDetection Detection)
{
    /// <summary>Shorter side of the detected box, in pixels: the size the identification rule saw.</summary>
    public float Size => MathF.Min(Detection.Box.Width, Detection.Box.Height);
}

/// <summary>
/// Pairs labelled faces with detections (best IoU &gt;= <see cref="VideoEvaluation.DefaultIou"/>, each detection once) and
/// scores what was said of them: right name, wrong name, unknown and why; and, over a run with the whole gallery and
/// leave-one-out runs, DIR at FPIR 1% per face-size bin.
/// </summary>
public static class TruthFaceEvaluation
{
    /// <summary>Each truth box of <paramref name="person"/> (all people when null) with its best-overlapping detection.</summary>
    public static List<TruthFaceMatch> Match(VideoTruth truth, IEnumerable<VideoDetection> detections, string? person = null, int? frames = null,
        float minIou = VideoEvaluation.DefaultIou)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(detections);
        var byFrame = detections.GroupBy(d => d.Frame).ToDictionary(g => g.Key, g => g.ToList());
        var result = new List<TruthFaceMatch>();
        foreach (var frame in truth.Frames.Where(f => frames is null || f < frames).Order())
        {
            if (!byFrame.TryGetValue(frame, out var found)) continue;
            var used = new bool[found.Count];
            foreach (var t in truth.InFrame(frame).Where(t => person is null || t.Person == person))
            {
                int best = -1;
                float bestIou = minIou;
                for (int i = 0; i < found.Count; i++)
                {
                    if (used[i]) continue;
                    float iou = VideoEvaluation.Iou(found[i].Box, t.Box);
                    if (iou >= bestIou)
                    {
                        bestIou = iou;
                        best = i;
                    }
                }
                if (best < 0) continue;
                used[best] = true;
                result.Add(new TruthFaceMatch(t, found[best]));
            }
        }
        return result;
    }

    /// <summary>What was said of the matched faces (their truth person is the right answer).</summary>
    public static TruthFaceScore Score(IEnumerable<TruthFaceMatch> matches)
    {
        int faces = 0, named = 0, wrong = 0, unknown = 0, quality = 0, nearest = 0;
        foreach (var m in matches)
        {
            faces++;
            var d = m.Detection;
            if (d.Person == m.Truth.Person) named++;
            else if (d.Person is not null) wrong++;
            else
            {
                unknown++;
                if (d.Identity.UnknownForQuality) quality++;
            }
            if (d.Identity.Nearest == m.Truth.Person) nearest++;
        }
        return new TruthFaceScore(faces, named, wrong, unknown, quality, nearest);
    }

    /// <summary>
    /// DIR at FPIR 1% per face-size bin, from the faces of enrolled people seen with the whole gallery
    /// (<paramref name="mates"/>: right when their candidate is their own person) and the same faces seen with that person
    /// left out (<paramref name="nonMates"/>); each search scores by its confidence. Null for a bin without both kinds or
    /// with fewer than 100 non-mate faces (1% of fewer is no figure).
    /// </summary>
    public static IReadOnlyList<(string Bin, int Mates, int NonMates, double? DirAtFpir1)> DirAtFpirBySize(
        IReadOnlyList<TruthFaceMatch> mates, IReadOnlyList<TruthFaceMatch> nonMates)
    {
        var result = new List<(string, int, int, double?)>();
        for (int b = 0; b <= SizeBinFigures.Edges.Count; b++)
        {
            string name = SizeBinFigures.Name(b);
            var m = mates.Where(x => SizeBinFigures.In(b, x.Size)).ToList();
            var n = nonMates.Where(x => SizeBinFigures.In(b, x.Size)).ToList();
            double? dir = null;
            if (m.Count > 0 && n.Count >= 100)
            {
                var searches = m.Select(x => new OpenSetSearch(Score(x), true, x.Detection.Identity.Nearest == x.Truth.Person))
                    .Concat(n.Select(x => new OpenSetSearch(Score(x), false, false))).ToList();
                dir = new OpenSetMetrics(searches).DirAtFpir(0.01);
            }
            result.Add((name, m.Count, n.Count, dir));
        }
        return result;
    }

    private static float Score(TruthFaceMatch x) => x.Detection.Identity.Nearest is null ? float.NegativeInfinity : x.Detection.Identity.Confidence;
}
