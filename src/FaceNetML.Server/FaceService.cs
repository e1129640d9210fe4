using FaceNetML.Imaging;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using Microsoft.AspNetCore.Http;
using Prometheus;

namespace FaceNetML.Server;

/// <summary>
/// What every request shares: the one warm <see cref="FacePipeline"/> (thread-safe), the inference slots, the gallery
/// and the limits. <see cref="InferAsync"/> runs a request's decoding and inference in a slot under its deadline.
/// </summary>
public sealed class FaceService : IDisposable
{
    private readonly bool _ownsPipeline;

    public FaceService(FaceServerOptions options, FacePipeline? pipeline = null)
    {
        // The gallery may be a postgres:// URL: the server ships the PostgreSQL backend.
        PostgresGalleries.Register();
        Options = options;
        _ownsPipeline = pipeline is null;
        Pipeline = pipeline ?? new FacePipeline(options.Pipeline);
        try
        {
            Gate = new InferenceGate(options.InferenceSlots, options.QueueLimit);
            Threads = new InferenceThreads(options.InferenceSlots);
            Gallery = new ServerGallery(options.GalleryPath, Pipeline.Model.Name, Pipeline.Threshold, Pipeline.EmbeddingSize, options.DataFolder);
            Videos = new VideoJobs(Pipeline, Gallery, options.Videos, options.DataFolder);
            Streams = new StreamHub(this);
        }
        catch
        {
            Gallery?.Dispose();
            if (_ownsPipeline) Pipeline.Dispose();
            throw;
        }
    }

    public FaceServerOptions Options { get; }
    public FacePipeline Pipeline { get; }
    public InferenceGate Gate { get; }
    public InferenceThreads Threads { get; }
    public ServerGallery Gallery { get; }
    public StreamHub Streams { get; }

    /// <summary>The video jobs (<c>/v1/videos</c>), run by their own workers beside the inference slots.</summary>
    public VideoJobs Videos { get; }

    /// <summary>The request's deadline: aborted by the client, or <see cref="FaceServerOptions.RequestTimeout"/> after the first
    /// call (when its upload has been read and inference is asked for).</summary>
    public CancellationToken Deadline(HttpContext context)
    {
        if (context.Items[typeof(FaceService)] is CancellationTokenSource existing) return existing.Token;
        var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        cts.CancelAfter(Options.RequestTimeout);
        context.Response.RegisterForDispose(cts);
        context.Items[typeof(FaceService)] = cts;
        return cts.Token;
    }

    /// <summary>Runs <paramref name="work"/> in an inference slot (429 when the queue is full); the answer is abandoned
    /// (503) at the deadline, and the slot is held until the work really ends.</summary>
    public async Task<T> InferAsync<T>(HttpContext context, string endpoint, Func<T> work)
    {
        var cancel = Deadline(context);
        IDisposable lease;
        ServerMetrics.Waiting.Inc();
        try { lease = await Gate.EnterAsync(cancel); }
        finally { ServerMetrics.Waiting.Dec(); }
        var task = Threads.Run(() =>
        {
            try
            {
                using var timer = ServerMetrics.Inference.WithLabels(endpoint).NewTimer();
                return work();
            }
            finally { lease.Dispose(); }
        });
        return await task.WaitAsync(cancel);
    }

    /// <summary>Decodes an upload (415 not an image, 413 over the pixel budget: <see cref="ImageDecoder"/>'s checks).</summary>
    public static RgbImage Decode(UploadReader.Upload upload) =>
        ImageDecoder.Decode(upload.ReadBytes(), upload.Name == upload.Field ? upload.Field : $"{upload.Field} ({upload.Name})");

    /// <summary>The embedding of the chosen (largest) face, as <c>facenetml verify</c> and <c>embed</c> make it; 422 without a face.</summary>
    public FaceEmbedding EmbedPrimary(UploadReader.Upload upload)
    {
        var image = Decode(upload);
        return Pipeline.EmbedPrimary(image)
            ?? throw new ApiException(StatusCodes.Status422UnprocessableEntity, $"{(upload.Name == upload.Field ? upload.Field : $"{upload.Field} ({upload.Name})")}: no face found");
    }

    public void Dispose()
    {
        Videos.Dispose();
        Streams.Dispose();
        Threads.Dispose();
        Gate.Dispose();
        Gallery.Dispose();
        if (_ownsPipeline) Pipeline.Dispose();
    }
}
