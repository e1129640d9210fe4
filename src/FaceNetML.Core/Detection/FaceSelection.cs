namespace FaceNetML.Detection;

/// <summary>Picks one face out of a detector's result.</summary>
public static class FaceSelection
{
    /// <summary>
    /// The face a photo is "of": the one maximising <c>area - 2 * d^2</c>, d being the distance from the box
    /// centre to the image centre (insightface's rule for LFW, whose subject is centred). Null when there are no faces;
    /// ties go to the earlier face.
    /// </summary>
    public static DetectedFace? Primary(IReadOnlyList<DetectedFace> faces, int imageWidth, int imageHeight)
    {
        ArgumentNullException.ThrowIfNull(faces);
        double cx = imageWidth / 2.0, cy = imageHeight / 2.0;
        DetectedFace? best = null;
        double bestValue = double.NegativeInfinity;
        foreach (var f in faces)
        {
            double dx = f.Box.X + f.Box.Width / 2.0 - cx;
            double dy = f.Box.Y + f.Box.Height / 2.0 - cy;
            double value = (double)f.Box.Width * f.Box.Height - 2.0 * (dx * dx + dy * dy);
            if (value > bestValue)
            {
                bestValue = value;
                best = f;
            }
        }
        return best;
    }

    /// <summary>The face with the largest box area, or null when there are none; ties go to the earlier face.</summary>
    public static DetectedFace? Largest(IReadOnlyList<DetectedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        DetectedFace? best = null;
        foreach (var f in faces)
            if (best is null || f.Area > best.Area)
                best = f;
        return best;
    }
}
