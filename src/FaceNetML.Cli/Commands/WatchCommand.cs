using System.CommandLine;
using System.Text.Json;
using FaceNetML.Contracts;
using FaceNetML.Pipeline;
using FaceNetML.Recognition;
using FaceNetML.Video;

namespace FaceNetML.Cli.Commands;

/// <summary>
/// <c>facenetml watch URL --gallery G [--name N] [--crops DIR] [--every N] [--reconnect-max N] [--stall-timeout S]</c>:
/// watches a live stream and prints one JSON line per event on stdout (<see cref="StreamEventMessage"/>), until Ctrl-C,
/// or until the source is lost for good (the end of a file or a finite stream with <c>--reconnect-max 0</c>).
/// </summary>
internal static class WatchCommand
{
    public static Command Create()
    {
        var url = new Argument<string>("url") { Description = "What to watch: an rtsp, rtsps, udp, rtp, srt, http(s) URL, or a file (played in real time)" };
        var gallery = new Option<string>("--gallery") { Description = "Gallery: a folder of people (one sub-folder of photos per person, or photos named after their people), a gallery.json, a .usearch path or a postgres:// URL", Required = true };
        var name = new Option<string>("--name") { Description = "The stream's name in its events (letters, digits, '.', '_', '-')", DefaultValueFactory = _ => "stream" };
        var crops = new Option<string?>("--crops") { Description = "Write the best face crop of each track here (JPEG; the events name the file)" };
        var every = new Option<int>("--every") { Description = "Run the detector every N recognised frames; the tracker carries boxes in between", DefaultValueFactory = _ => 1 }.AtLeast(1);
        var reconnectMax = new Option<int>("--reconnect-max") { Description = "Reconnection attempts (back-off 1 s doubling to 30 s) before the stream is dead; 0: stop when the source ends", DefaultValueFactory = _ => 10 }.AtLeast(0);
        var stall = new Option<double>("--stall-timeout") { Description = "Seconds without a frame after which the source counts as lost", DefaultValueFactory = _ => 10 }.PositiveFinite(3600);
        var command = new Command("watch", "Watch a live stream: one JSON line per event (appeared, left, disconnected, reconnected, dead)")
        {
            url, gallery, name, crops, every, reconnectMax, stall, CliContext.Model, CliContext.MinFace,
        };
        command.SetAction(async (parse, cancel) =>
        {
            // Bad input is refused before the models load.
            var source = StreamSource.Parse(parse.GetValue(url), allowFiles: true);
            var options = new StreamWatcherOptions
            {
                Name = StreamWatcherOptions.CheckName(parse.GetValue(name)),
                CropFolder = parse.GetValue(crops) is { } folder ? CropFolder(folder) : null,
                ReconnectMax = parse.GetValue(reconnectMax),
                StallTimeout = TimeSpan.FromSeconds(parse.GetValue(stall)),
            };

            using var pipeline = new FacePipeline(CliContext.PipelineOptions(parse));
            using var people = Gallery.Open(pipeline, parse.GetValue(gallery)!);
            foreach (var w in people.Warnings) CliContext.Error("warning: " + w);
            var recognizer = new VideoRecognizer(pipeline, people, new VideoRecognizerOptions { Every = parse.GetValue(every), MinFaceSize = parse.GetValue(CliContext.MinFace) });

            var output = new Lock();
            var watcher = new StreamWatcher(source, recognizer, options, e =>
            {
                var line = JsonSerializer.Serialize(StreamEventMessage.From(e), ContractJson.Options);
                lock (output) Console.Out.WriteLine(line);
            })
            {
                Log = line => Console.Error.WriteLine(line),
            };
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            await watcher.RunAsync(stop.Token);
            Console.Error.WriteLine($"{options.Name}: {watcher.Frames} frames, {watcher.Processed} recognised, {watcher.Dropped} dropped, {watcher.Events} events");
            if (watcher.Status == StreamStatus.Dead && !watcher.EverLive)
            {
                CliContext.Error($"error: {source.Display}: no frame received ({watcher.LastError})");
                return ExitCodes.BadInput;
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The crop folder, created; a folder that cannot be made is bad input.</summary>
    private static string CropFolder(string folder)
    {
        try
        {
            return Directory.CreateDirectory(Path.GetFullPath(folder)).FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new BadInputException($"--crops {folder}: cannot create the folder ({e.Message.ReplaceLineEndings(" ")})");
        }
    }
}
