namespace FaceNetML.Video;

/// <summary>False alarms of a stranger: <see cref="Detections"/> of the person's faces, <see cref="FalseAlarms"/> of them
/// given a name.</summary>
public sealed record OpenSetScore(int FalseAlarms, int Detections)
{
    public double FalseAlarmRate => Detections == 0 ? 0 : (double)FalseAlarms / Detections;

    public static OpenSetScore operator +(OpenSetScore a, OpenSetScore b) => new(a.FalseAlarms + b.FalseAlarms, a.Detections + b.Detections);
}

/// <summary>
/// Open-set scoring of a video run whose gallery lacks <c>person</c> (leave-one-out): every detection that overlaps
/// one of the person's truth boxes (IoU &gt;= <see cref="VideoEvaluation.DefaultIou"/>, best overlap, each truth box once)
/// counts as a detection of the stranger, and every such detection that carries a name is a false alarm.
/// </summary>
public static class OpenSetVideoEvaluation
{
    public static OpenSetScore Evaluate(VideoTruth truth, string person, IEnumerable<VideoDetection> detections, int? frames = null,
        float minIou = VideoEvaluation.DefaultIou) =>
        Score(TruthFaceEvaluation.Match(truth, detections, person, frames, minIou));

    /// <summary>The false alarms among a stranger's matched faces (<see cref="TruthFaceEvaluation.Match"/>).</summary>
    public static OpenSetScore Score(IReadOnlyCollection<TruthFaceMatch> strangerFaces) =>
        new(strangerFaces.Count(m => m.Detection.Person is not null), strangerFaces.Count);
}
