using System.Net;
using FaceNetML.Contracts;
using FaceNetML.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace FaceNetML.Server;

/// <summary>
/// <c>facenetml serve</c>: Kestrel with the minimal-API endpoints, the page at <c>/</c>, <c>/health</c>,
/// <c>/metrics</c> (Prometheus text, prometheus-net) and <c>/openapi/v1.json</c>. One warm pipeline serves every request.
/// </summary>
public sealed class FaceServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FaceServer(WebApplication app, FaceService service)
    {
        _app = app;
        Service = service;
    }

    public FaceService Service { get; }

    /// <summary>The address it listens on (after <see cref="StartAsync"/>), e.g. <c>http://127.0.0.1:8080</c>.</summary>
    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Builds the server (loads the models unless a warm <paramref name="pipeline"/> is given, which it then does not dispose).</summary>
    public static FaceServer Create(FaceServerOptions options, FacePipeline? pipeline = null, Action<ILoggingBuilder>? logging = null)
    {
        var service = new FaceService(options, pipeline);
        try
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
            // A failed start (port in use) is reported by the caller in one line, not logged with its stack here.
            builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
            logging?.Invoke(builder.Logging);
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
                k.AddServerHeader = false;
                if (IPAddress.TryParse(options.Host, out var ip)) k.Listen(ip, options.Port);
                else if (options.Host == "localhost") k.ListenLocalhost(options.Port);
                else k.ListenAnyIP(options.Port);
            });
            AddServices(builder.Services, service);
            var app = builder.Build();
            Configure(app, service);
            return new FaceServer(app, service);
        }
        catch
        {
            service.Dispose();
            throw;
        }
    }

    /// <summary>The services the app needs (form limits, OpenAPI, the answers' JSON settings); shared by Kestrel and in-memory hosts.</summary>
    public static void AddServices(IServiceCollection services, FaceService service)
    {
        var options = service.Options;
        services.Configure<FormOptions>(f =>
        {
            f.MultipartBodyLengthLimit = options.MaxBodyBytes;
            f.BufferBodyLengthLimit = options.MaxBodyBytes;
            f.ValueCountLimit = 64;
        });
        services.AddSingleton(options);
        services.AddRouting();
        services.AddOpenApi(o => o.AddSchemaTransformer(ContractSchemas.Transform));
        // The answers are written with ContractJson.Options; the OpenAPI document describes them with these, so they match.
        services.ConfigureHttpJsonOptions(j => ContractJson.Apply(j.SerializerOptions));
    }

    /// <summary>The request pipeline and endpoints; shared by Kestrel (<see cref="Create"/>) and in-memory hosts (tests'
    /// WebApplicationFactory).</summary>
    public static void Configure(IApplicationBuilder app, FaceService service)
    {
        var options = service.Options;
        app.UseJsonErrors();
        app.UseStatusCodePages(async s =>
        {
            var r = s.HttpContext.Response;
            if (r.ContentLength is null or 0 && r.ContentType is null)
                await ErrorResponses.Write(s.HttpContext, r.StatusCode, r.StatusCode switch
                {
                    404 => $"no such endpoint: {s.HttpContext.Request.Method} {s.HttpContext.Request.Path}",
                    415 => $"expected {ExpectedBody(s.HttpContext.Request)}, got {(string.IsNullOrEmpty(s.HttpContext.Request.ContentType) ? "no content type" : s.HttpContext.Request.ContentType)}",
                    405 => $"method {s.HttpContext.Request.Method} not allowed on {s.HttpContext.Request.Path}",
                    _ => $"HTTP {r.StatusCode}",
                });
        });
        // A declared body over the limit is refused before a byte of it is read. A video upload has a limit of its own.
        app.Use(async (context, next) =>
        {
            long limit = VideoEndpoints.BodyLimit(context.Request, options) ?? options.MaxBodyBytes;
            if (context.Request.ContentLength > limit)
                throw new ApiException(StatusCodes.Status413PayloadTooLarge,
                    $"request body too large ({context.Request.ContentLength / 1e6:0.#} MB; the limit is {limit / 1e6:0.#} MB)");
            if (limit != options.MaxBodyBytes && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                size.MaxRequestBodySize = limit;
            await next(context);
        });
        app.UseApiKey(options.ApiKey);
        app.UseRouting();
        app.UseHttpMetrics();
        app.UseEndpoints(e =>
        {
            StaticPage.Map(e);
            e.MapGet("/health", () => Answers.Json(new HealthAnswer("ok", service.Pipeline.Model.Name, service.Gallery.Read(g => g.PersonCount),
                service.Gate.Slots, service.Gate.Busy, service.Gate.Waiting, service.Gallery.Summary, service.Streams.Dead())))
                .WithSummary("Liveness and load").Produces<HealthAnswer>();
            e.MapMetrics("/metrics");
            e.MapOpenApi("/openapi/{documentName}.json");
            ApiReference.Map(e);
            FaceEndpoints.Map(e, service);
            PeopleEndpoints.Map(e, service);
            VideoEndpoints.Map(e, service);
            StreamEndpoints.Map(e, service);
        });
    }

    /// <summary>What a request's body should be: JSON for a person's rename and merge and for a new stream, else a form with image files.</summary>
    private static string ExpectedBody(HttpRequest request) =>
        request.Path.Value is { } p && (p.EndsWith("/rename", StringComparison.Ordinal) || p.EndsWith("/merge", StringComparison.Ordinal) || p == "/v1/streams")
            ? "an application/json body" : "a multipart/form-data body with image files";

    public Task StartAsync(CancellationToken cancel = default) => _app.StartAsync(cancel);

    /// <summary>After <see cref="StartAsync"/>: serves until <paramref name="stop"/>.</summary>
    public async Task WaitForShutdownAsync(CancellationToken stop)
    {
        using var registration = stop.Register(() => _app.Lifetime.StopApplication());
        await _app.WaitForShutdownAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Service.Dispose();
    }
}
