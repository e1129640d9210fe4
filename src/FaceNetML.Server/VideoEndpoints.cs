using FaceNetML.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FaceNetML.Server;

/// <summary>
/// Video jobs: <c>POST /v1/videos</c> takes a video (checked from its header, then queued: 202 with the job's URL),
/// <c>GET /v1/videos/{id}</c> gives its progress and result, its files are <c>frames.csv</c>, <c>annotated.mp4</c> and
/// the segments' best faces, <c>DELETE</c> cancels it or forgets it, and <c>GET /v1/videos</c> lists the jobs. The work
/// is <c>facenetml video</c>'s (<see cref="VideoJobRunner"/>), done by the jobs' own workers, whatever becomes of the
/// request that brought the video.
/// </summary>
public static class VideoEndpoints
{
    private const string Path = "/v1/videos";

    /// <summary>The body limit of a request: the video limit (plus room for the form around the file) for an upload of a
    /// video, else null (the server's own).</summary>
    public static long? BodyLimit(HttpRequest request, FaceServerOptions options) =>
        HttpMethods.IsPost(request.Method) && request.Path.Equals(Path, StringComparison.Ordinal)
            ? options.Videos.MaxUploadBytes + (1 << 20) : null;

    private static readonly int[] JobErrors = [StatusCodes.Status400BadRequest, .. Answers.RequestErrors, StatusCodes.Status404NotFound];

    public static void Map(IEndpointRouteBuilder app, FaceService service)
    {
        var jobs = service.Videos;
        var retention = jobs.Options.Retention;
        app.MapPost(Path, (HttpContext c, HttpRequest _) => Upload(c, jobs))
            .WithSummary("Find the gallery's people in a 'video' file (optional 'every' = N: the detector every N frames); a job, polled at its URL")
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<VideoJobAccepted>(StatusCodes.Status202Accepted)
            .ProducesErrors([.. Answers.UploadErrors.Where(s => s != StatusCodes.Status503ServiceUnavailable), StatusCodes.Status422UnprocessableEntity]);
        app.MapGet(Path, () => Answers.Json(new VideoJobsAnswer([.. jobs.All.Select(j => j.Answer(retention))])))
            .WithSummary("The video jobs, newest first")
            .Produces<VideoJobsAnswer>().ProducesErrors(Answers.RequestErrors);
        app.MapGet(Path + "/{id}", (string id) => Answers.Json(Job(jobs, id).Answer(retention)))
            .WithSummary("A video job: status (queued, running, done, failed, cancelled), progress, then the person segments and the files' URLs")
            .Produces<VideoJobAnswer>().ProducesErrors(JobErrors);
        app.MapDelete(Path + "/{id}", async (string id) =>
        {
            var job = Job(jobs, id);
            bool cancelled = await jobs.DeleteAsync(job);
            return Answers.Json(new VideoJobDeletedAnswer(job.Id, cancelled));
        }).WithSummary("Cancel a queued or running video job, or forget a finished one; its files are deleted")
            .Produces<VideoJobDeletedAnswer>().ProducesErrors(JobErrors);
        app.MapGet(Path + "/{id}/frames.csv", (string id) => File(jobs, id, j => j.CsvPath, "text/csv; charset=utf-8", "frames.csv"))
            .WithSummary("The job's faces frame by frame: frame,person,x,y,width,height,distance,confidence,reason (as facenetml video --csv)")
            .Produces(StatusCodes.Status200OK, typeof(string), "text/csv")
            .ProducesErrors([.. JobErrors, StatusCodes.Status409Conflict]);
        app.MapGet(Path + "/{id}/annotated.mp4", (string id) => File(jobs, id, j => j.AnnotatedPath, "video/mp4", "annotated.mp4"))
            .WithSummary("The video with every face boxed and named, H.264 MP4 (as facenetml video --out)")
            .Produces(StatusCodes.Status200OK, typeof(byte[]), "video/mp4")
            .ProducesErrors([.. JobErrors, StatusCodes.Status409Conflict]);
        app.MapGet(Path + "/{id}/faces/{segment:int}.jpg", (string id, int segment) =>
            File(jobs, id, j => j.FacePath(segment), "image/jpeg", $"segment {segment}'s face"))
            .WithSummary("The most confident face of one person segment, a JPEG cut from its frame")
            .Produces(StatusCodes.Status200OK, typeof(byte[]), "image/jpeg")
            .ProducesErrors([.. JobErrors, StatusCodes.Status409Conflict]);
    }

    /// <summary>The job of a route value (404 when it is not a job's id).</summary>
    private static VideoJob Job(VideoJobs jobs, string id) =>
        jobs.Find(id) ?? throw new ApiException(StatusCodes.Status404NotFound, $"no video job {(VideoJob.IsId(id) ? id : "with that id")}");

    /// <summary>One of a done job's files (409 while it is not done, 404 when the file is missing).</summary>
    private static IResult File(VideoJobs jobs, string id, Func<VideoJob, string> path, string type, string what)
    {
        var job = Job(jobs, id);
        if (job.Status != VideoJobStatus.Done)
            throw new ApiException(StatusCodes.Status409Conflict, $"video job {job.Id} is {VideoJob.StatusName(job.Status)}: its files are there once it is done");
        var file = path(job);
        if (!System.IO.File.Exists(file)) throw new ApiException(StatusCodes.Status404NotFound, $"video job {job.Id} has no {what}");
        return Results.File(file, type, enableRangeProcessing: true);
    }

    private static async Task<IResult> Upload(HttpContext context, VideoJobs jobs)
    {
        jobs.CheckRoom(); // a full queue refuses before the upload is read
        var (id, folder) = jobs.NewFolder();
        VideoJob job;
        try
        {
            var input = System.IO.Path.Combine(folder, "input");
            var upload = await VideoUpload.ReadAsync(context.Request, input, jobs.Options.MaxUploadBytes, context.RequestAborted);
            var label = upload.Name == "video" ? "video" : $"video ({upload.Name})";
            var info = jobs.Check(input, label);
            job = new VideoJob(id, folder, upload.Name, info, upload.Every, DateTimeOffset.UtcNow);
            jobs.Submit(job);
        }
        catch
        {
            VideoJobs.DeleteFolder(folder);
            throw;
        }
        var url = VideoJob.Url(job.Id);
        context.Response.Headers.Location = url;
        return Results.Json(new VideoJobAccepted(job.Id, VideoJob.StatusName(VideoJobStatus.Queued), new VideoJobLinks(url, null, null)),
            ContractJson.Options, statusCode: StatusCodes.Status202Accepted);
    }
}
