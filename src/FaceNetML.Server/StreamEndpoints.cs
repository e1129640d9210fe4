using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using FaceNetML.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaceNetML.Server;

/// <summary>Live streams (<see cref="StreamHub"/>): add, list and remove watched streams, their face crops, and
/// <c>GET /v1/events</c>, every stream event as server-sent events (one <c>data:</c> line of JSON per event).</summary>
public static class StreamEndpoints
{
    public static void Map(IEndpointRouteBuilder app, FaceService service)
    {
        var hub = service.Streams;
        hub.Logger ??= app.ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger("FaceNetML.Server.Streams");
        // An event stream never ends by itself: end them all when the server stops, so that shutdown does not wait for them.
        app.ServiceProvider.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(hub.Events.CompleteAll);
        app.MapPost("/v1/streams", async (HttpContext c, HttpRequest _) => Answers.Json(hub.Add(await PeopleEndpoints.ReadJsonAsync<StreamRequest>(c))))
            .WithSummary("Watch a live stream: JSON {\"url\",\"name\"}; its events go to GET /v1/events and the webhook")
            .Accepts<StreamRequest>("application/json")
            .Produces<StreamSummary>()
            .ProducesErrors([StatusCodes.Status400BadRequest, .. Answers.RequestErrors, StatusCodes.Status409Conflict,
                StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity]);
        app.MapGet("/v1/streams", () => Answers.Json(new StreamsAnswer(hub.List())))
            .WithSummary("The watched streams with their status (connecting, live, reconnecting, dead) and counters")
            .Produces<StreamsAnswer>().ProducesErrors(Answers.RequestErrors);
        app.MapDelete("/v1/streams/{name}", async (string name) => Answers.Json(await hub.RemoveAsync(name)))
            .WithSummary("Stop watching a stream (its open tracks leave)")
            .Produces<StreamSummary>().ProducesErrors([.. Answers.RequestErrors, StatusCodes.Status404NotFound]);
        app.MapGet("/v1/streams/{name}/crops/{file}", (string name, string file) =>
            hub.CropFile(name, file) is { } path
                ? TypedResults.PhysicalFile(path, "image/jpeg")
                : throw new ApiException(StatusCodes.Status404NotFound, $"{name}: no crop {file}"))
            .WithSummary("The JPEG of a track's best face, named by the cropUrl of its events")
            .Produces(StatusCodes.Status200OK, typeof(byte[]), "image/jpeg")
            .ProducesErrors([.. Answers.RequestErrors, StatusCodes.Status404NotFound]);
        app.MapGet("/v1/events", (HttpContext c, string? stream) => Events(c, hub, stream))
            .WithSummary("Server-sent events: one 'data:' line of JSON per event of every stream (or of ?stream=NAME). A client "
                + $"that lets {hub.Events.Capacity} events pile up is dropped. EventSource may send the API key as ?key=")
            .Produces<StreamEventMessage>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesErrors(Answers.RequestErrors);
    }

    private static async Task Events(HttpContext context, StreamHub hub, string? stream)
    {
        using var subscription = hub.Events.Subscribe(string.IsNullOrEmpty(stream) ? null : stream);
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var cancel = context.RequestAborted;
        try
        {
            // The headers go at once, so a client knows it is subscribed before the first event.
            await response.Body.FlushAsync(cancel);
            await SseFormatter.WriteAsync(Items(subscription.Reader, cancel), response.Body, Format, cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The client left.
        }
    }

    private static async IAsyncEnumerable<SseItem<StreamEventMessage>> Items(ChannelReader<StreamEventMessage> reader, [EnumeratorCancellation] CancellationToken cancel)
    {
        await foreach (var message in reader.ReadAllAsync(cancel)) yield return new SseItem<StreamEventMessage>(message);
    }

    private static void Format(SseItem<StreamEventMessage> item, System.Buffers.IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output);
        JsonSerializer.Serialize(writer, item.Data, ContractJson.Options);
    }
}
