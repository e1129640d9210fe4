using System.CommandLine;
using FaceNetML.Server;

namespace FaceNetML.Cli.Commands;

/// <summary><c>facenetml serve</c>: the HTTP API and the web page, with one warm pipeline, until Ctrl-C.</summary>
internal static class ServeCommand
{
    public static readonly Option<string> Host = new("--host") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
    public static readonly Option<int> Port = new Option<int>("--port") { Description = "Port (0: any free port, printed at start)", DefaultValueFactory = _ => 8080 }.AtLeast(0);
    public static readonly Option<string?> GalleryFile = new("--gallery") { Description = "Gallery for identify and /v1/people: a JSON or .usearch file, a postgres:// URL, or :memory: (default: DATA/gallery.usearch)" };
    public static readonly Option<string?> DataFolder = new("--data") { Description = "Data folder: the gallery and the faces' thumbnails (default: $XDG_DATA_HOME/facenetml, else ~/.local/share/facenetml)" };
    public static readonly Option<string?> ApiKeyFile = new("--api-key-file") { Description = "File whose first line is the API key every /v1/ request must send (X-API-Key header)" };
    public static readonly Option<double> MaxBodyMb = new Option<double>("--max-body-mb") { Description = "Largest request body, MB (beyond: 413)", DefaultValueFactory = _ => 32 }.PositiveFinite(4096);
    public static readonly Option<int> Slots = new Option<int>("--slots") { Description = "Requests running inference at once (default: number of cores)", DefaultValueFactory = _ => Environment.ProcessorCount }.AtLeast(1);
    public static readonly Option<int> Queue = new Option<int>("--queue") { Description = "Requests that may wait for a slot; beyond: 429", DefaultValueFactory = _ => 64 }.AtLeast(0);
    public static readonly Option<double> Timeout = new Option<double>("--timeout") { Description = "Per-request time limit, seconds (beyond: 503)", DefaultValueFactory = _ => 30 }.PositiveFinite(3600);
    public static readonly Option<string?> Webhook = HttpUrl(new("--webhook") { Description = "POST every stream event as JSON to this http(s) URL (5 s timeout; failures are counted in /metrics)" });
    public static readonly Option<bool> AllowFileStreams = new("--allow-file-streams") { Description = "Let POST /v1/streams name local files (played in real time); off: network URLs only" };

    public static readonly Option<double> VideoMaxMb = new Option<double>("--video-max-mb") { Description = "Largest video upload, MB (beyond: 413)", DefaultValueFactory = _ => 200 }.PositiveFinite(1 << 20);
    public static readonly Option<double> VideoMaxSeconds = new Option<double>("--video-max-seconds") { Description = "Longest video, seconds of its header's duration (beyond: 422)", DefaultValueFactory = _ => 600 }.PositiveFinite();
    public static readonly Option<double> VideoMaxMegapixels = new Option<double>("--video-max-megapixels") { Description = "Largest video frame, megapixels (beyond: 422; default 1920x1080)", DefaultValueFactory = _ => 1920 * 1080 / 1e6 }.PositiveFinite(1000);
    public static readonly Option<int> VideoMaxFrames = new Option<int>("--video-max-frames") { Description = "Most frames a video may have (beyond: 422)", DefaultValueFactory = _ => 18_000 }.AtLeast(1);
    public static readonly Option<int> VideoWorkers = new Option<int>("--video-workers") { Description = "Video jobs processed at once", DefaultValueFactory = _ => 1 }.AtLeast(1);
    public static readonly Option<int> VideoQueue = new Option<int>("--video-queue") { Description = "Video jobs that may wait for a worker; beyond: 429", DefaultValueFactory = _ => 16 }.AtLeast(1);
    public static readonly Option<TimeSpan> VideoRetention = DurationText.Option("--video-retention", "How long finished video jobs and their files are kept (90s, 30m, 24h, 7d)", TimeSpan.FromHours(24));

    public static Command Create()
    {
        var command = new Command("serve", "HTTP API (verify, detect, embed, identify, people, live streams) and a web page, one warm pipeline")
        {
            Host, Port, GalleryFile, DataFolder, ApiKeyFile, MaxBodyMb, Slots, Queue, Timeout, Webhook, AllowFileStreams, CliContext.Model, CliContext.MinFace,
            VideoMaxMb, VideoMaxSeconds, VideoMaxMegapixels, VideoMaxFrames, VideoWorkers, VideoQueue, VideoRetention,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var options = Options(parse);
            await using var server = FaceServer.Create(options);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
            try
            {
                await server.StartAsync(stop.Token);
            }
            catch (IOException e)
            {
                throw new BadInputException($"cannot listen on {options.Host}:{options.Port} ({e.Message.ReplaceLineEndings(" ")})");
            }
            Console.Error.WriteLine($"listening on {server.Address} (model {server.Service.Pipeline.Model.Name}, {options.InferenceSlots} slots, queue {options.QueueLimit}, " +
                $"body <= {options.MaxBodyBytes / 1e6:0.#} MB, timeout {options.RequestTimeout.TotalSeconds:0.#} s{(options.ApiKey is null ? "" : ", API key required")}); Ctrl-C stops");
            var gallery = server.Service.Gallery.Summary;
            Console.Error.WriteLine($"gallery: {gallery.Backend} {gallery.Location}{(gallery.Persistent ? "" : " (not persistent)")}; API reference: {new Uri(server.Address, "/docs")}");
            var videos = options.Videos;
            Console.Error.WriteLine($"videos: {server.Service.Videos.Folder} ({videos.Workers} worker{(videos.Workers == 1 ? "" : "s")}, queue {videos.QueueLength}, " +
                $"<= {videos.MaxUploadBytes / 1e6:0.#} MB, {videos.MaxDurationSeconds:0.#} s, {videos.MaxPixels / 1e6:0.##} MP, {videos.MaxFrames} frames; finished jobs kept {videos.Retention.TotalHours:0.###} h)");
            await server.WaitForShutdownAsync(stop.Token);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Refuses a value that is not an absolute http:// or https:// URL.</summary>
    private static Option<string?> HttpUrl(Option<string?> option)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
                r.AddError($"{r.Option.Name} {url}: not an http:// or https:// URL");
        });
        return option;
    }

    /// <summary>The data folder (created): <c>--data</c>, else <c>$XDG_DATA_HOME/facenetml</c>, else <c>~/.local/share/facenetml</c>.</summary>
    public static string Data(ParseResult parse)
    {
        var folder = parse.GetValue(DataFolder) is { Length: > 0 } d ? d
            : Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } x ? Path.Combine(x, "facenetml")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "facenetml");
        try
        {
            return Directory.CreateDirectory(Path.GetFullPath(folder)).FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new BadInputException($"--data {folder}: cannot create the data folder ({e.Message.ReplaceLineEndings(" ")})");
        }
    }

    public static FaceServerOptions Options(ParseResult parse)
    {
        if (parse.GetValue(Port) > 65535) throw new BadInputException($"--port must be at most 65535, got {parse.GetValue(Port)}");
        var data = Data(parse);
        return new()
        {
            Host = parse.GetValue(Host)!,
            Port = parse.GetValue(Port),
            GalleryPath = parse.GetValue(GalleryFile) ?? Path.Combine(data, "gallery.usearch"),
            DataFolder = data,
            ApiKey = parse.GetValue(ApiKeyFile) is { } f ? ApiKeyCheck.ReadKeyFile(f) : null,
            MaxBodyBytes = (long)(parse.GetValue(MaxBodyMb) * 1e6),
            InferenceSlots = parse.GetValue(Slots),
            QueueLimit = parse.GetValue(Queue),
            RequestTimeout = TimeSpan.FromSeconds(parse.GetValue(Timeout)),
            Videos = new VideoJobOptions
            {
                MaxUploadBytes = (long)(parse.GetValue(VideoMaxMb) * 1e6),
                MaxDurationSeconds = parse.GetValue(VideoMaxSeconds),
                MaxPixels = (long)Math.Round(parse.GetValue(VideoMaxMegapixels) * 1e6),
                MaxFrames = parse.GetValue(VideoMaxFrames),
                Workers = parse.GetValue(VideoWorkers),
                QueueLength = parse.GetValue(VideoQueue),
                Retention = parse.GetValue(VideoRetention),
            },
            Pipeline = CliContext.PipelineOptions(parse) with { Parallelism = 1 },
            Webhook = parse.GetValue(Webhook),
            AllowFileStreams = parse.GetValue(AllowFileStreams),
        };
    }
}
