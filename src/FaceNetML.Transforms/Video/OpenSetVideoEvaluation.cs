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
        float minIou = VideoEvaluation.DefaultIou)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(detections);
        var byFrame = detections.GroupBy(d => d.Frame).ToDictionary(g => g.Key, g => g.ToList());
        int alarms = 0, seen = 0;
        foreach (var frame in truth.Frames.Where(f => frames is null || f < frames))
        {
            if (!byFrame.TryGetValue(frame, out var found)) continue;
            var used = new bool[found.Count];
            foreach (var t in truth.InFrame(frame).Where(t => t.Person == person))
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
                seen++;
                if (found[best].Person is not null) alarms++;
            }
        }
        return new OpenSetScore(alarms, seen);
    }
}
