namespace FaceNetML.Video;

/// <summary>
/// Writes a video's frames with their faces boxed and named (<see cref="BoxPainter"/>) into an H.264 MP4
/// (<see cref="FfmpegFrameWriter"/>): the annotated video of <c>facenetml video --out</c> and of the server's video jobs.
/// The boxes are painted into the frames given, so take anything else from a frame (a face crop) before writing it.
/// Call <see cref="Complete"/> to finish the file; disposing without it aborts the encoder.
/// </summary>
public sealed class AnnotatedVideoWriter : IDisposable
{
    private readonly BoxPainter _painter;
    private readonly FfmpegFrameWriter _writer;

    /// <param name="path">The MP4 to write.</param>
    /// <param name="info">The source video's size and frame rate (the output keeps both).</param>
    /// <param name="people">Everyone who may be named, in the order that assigns colours (the gallery's).</param>
    public AnnotatedVideoWriter(string path, VideoInfo info, IEnumerable<string> people)
    {
        ArgumentNullException.ThrowIfNull(info);
        _painter = new BoxPainter(people);
        try
        {
            _writer = new FfmpegFrameWriter(path, info.Width, info.Height, info.FrameRate);
        }
        catch
        {
            _painter.Dispose();
            throw;
        }
    }

    public string Path => _writer.Path;
    public int FramesWritten => _writer.FramesWritten;

    /// <summary>Paints the frame's detections into its picture and encodes it.</summary>
    /// <exception cref="VideoException">The encoder has stopped.</exception>
    public void Write(VideoFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        _painter.Paint(frame.Image, frame.Detections);
        _writer.Write(frame.Image);
    }

    /// <summary>Finishes the file; throws <see cref="VideoException"/> when encoding failed.</summary>
    public void Complete() => _writer.Complete();

    public void Dispose()
    {
        _writer.Dispose();
        _painter.Dispose();
    }
}
