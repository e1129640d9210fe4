using FaceNetML.Contracts;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using FaceNetML.Video;
using Microsoft.Extensions.Logging;

namespace FaceNetML.Server;

/// <summary>
/// Runs one video job on a worker: the video recogniser of <c>facenetml video</c> (detector every N frames, tracker,
/// identification rule) over the server's pipeline and a copy of the gallery taken when the job starts, writing the
/// annotated MP4 and the per-frame CSV as <c>facenetml video --out --csv</c> does, the person segments with the best
/// face of each, and the progress as it goes.
/// </summary>
public sealed class VideoJobRunner(FacePipeline pipeline, ServerGallery gallery, VideoJobOptions options, ILogger? log = null)
{
    /// <summary>Processes the job; every outcome ends in the job (done, failed, cancelled), nothing is thrown.
    /// <paramref name="started"/> is called once the job runs.</summary>
    public void Run(VideoJob job, CancellationToken stop, Action? started = null)
    {
        if (!job.Start()) return;
        started?.Invoke();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop, job.Cancellation);
        try
        {
            job.Succeed(Process(job, cancel.Token));
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            job.Cancel();
        }
        catch (Exception e) when (e is BadInputException or IOException or UnauthorizedAccessException)
        {
            job.Fail(e.Message.Replace(job.InputPath, "video", StringComparison.Ordinal));
        }
        catch (Exception e)
        {
            log?.LogError(e, "video job {Id} failed", job.Id);
            job.Fail($"internal error ({e.GetType().Name}; see the server log)");
        }
        if (job.Status == VideoJobStatus.Cancelled) VideoJobs.DeleteFolder(job.Folder);
    }

    private VideoJobResult Process(VideoJob job, CancellationToken cancel)
    {
        // A fixed view of the gallery: enrolment goes on while the video runs, and the job matches what it started with.
        using var people = gallery.Read(g => g.Copy());
        var recognizer = new VideoRecognizer(pipeline, people, new VideoRecognizerOptions
        {
            Every = job.Every, MaxFrames = options.MaxFrames, Parallelism = 1,
        });
        var info = job.Info;
        var segments = new PersonSegmentBuilder(info.FrameRate, PersonSegmentBuilder.DefaultGap(info.FrameRate, job.Every));
        var bestFaces = new Dictionary<int, byte[]>();
        VideoRecognitionResult result;
        using (var annotated = new AnnotatedVideoWriter(job.AnnotatedPath, info, people.Index.PersonNames()))
        {
            result = recognizer.Recognize(job.InputPath, frame =>
            {
                // The faces are cut out before the boxes are painted into the frame.
                foreach (var (segment, detection) in segments.Add(frame.Index, frame.Detections))
                    bestFaces[segment] = FaceSnapshot.Jpeg(frame.Image, detection.Box);
                annotated.Write(frame);
                job.Progress(frame.Index + 1);
                ServerMetrics.VideoFrames.Inc();
            }, cancel);
            if (result.Frames == 0) throw new VideoException(result.Error ?? "video: no frame could be decoded");
            annotated.Complete();
        }
        cancel.ThrowIfCancellationRequested();
        VideoDetection.WriteCsv(job.CsvPath, result.Detections);
        Directory.CreateDirectory(job.FacesFolder);
        foreach (var (segment, jpeg) in bestFaces) File.WriteAllBytes(job.FacePath(segment), jpeg);

        var found = segments.Segments.Select((s, i) => new VideoSegment(s.Person, Rounding.Round(s.Start, 2), Rounding.Round(s.End, 2),
            Rounding.Finite(s.BestConfidence), bestFaces.ContainsKey(i) ? $"{VideoJob.Url(job.Id)}/faces/{i}.jpg" : null)).ToList();
        int unknownFaces = result.Detections.GroupBy(d => d.TrackId).Count(t => t.All(d => d.Person is null));
        return new VideoJobResult(result.Frames, info.Width, info.Height, Rounding.Round(info.FrameRate, 2), job.Every, found,
            result.Detections.Count(d => d.Person is not null), result.Detections.Count(d => d.Person is null), unknownFaces,
            result.Error?.Replace(job.InputPath, "video", StringComparison.Ordinal));
    }
}
