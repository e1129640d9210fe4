using System.Text.Json;
using FaceNetML.Contracts;
using FaceNetML.Imaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FaceNetML.Server;

/// <summary>
/// Turns every failure into a status and an <see cref="ErrorAnswer"/> body <c>{"error":"one line"}</c>, never a stack
/// trace: bad requests 400, body or pixel budget 413, not an image 415, no face 422, overload 429, bad key 401, timeout
/// 503, the rest 500 (logged, with a generic line).
/// </summary>
public static class ErrorResponses
{
    public static IApplicationBuilder UseJsonErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            var (status, message) = Classify(e, context);
            if (status >= 500 && context.RequestServices.GetService(typeof(ILoggerFactory)) is ILoggerFactory f)
                f.CreateLogger("FaceNetML.Server").LogError(e, "request {Path} failed", context.Request.Path);
            ServerMetrics.Errors.WithLabels(status.ToString()).Inc();
            await Write(context, status, message);
        }
    });

    /// <summary>Writes one error answer.</summary>
    public static async Task Write(HttpContext context, int status, string message)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status429TooManyRequests) context.Response.Headers.RetryAfter = "1";
        if (status == StatusCodes.Status401Unauthorized) context.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-API-Key\"";
        // Refusing a body before reading it all: tell the client the connection closes rather than draining megabytes.
        if (status == StatusCodes.Status413PayloadTooLarge) context.Response.Headers.Connection = "close";
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = JsonSerializer.SerializeToUtf8Bytes(ErrorAnswer.OneLine(message), ContractJson.Options);
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body);
    }

    private static (int Status, string Message) Classify(Exception e, HttpContext context)
    {
        if (e is AggregateException a && a.InnerExceptions.Count == 1) e = a.InnerExceptions[0];
        return e switch
        {
            ApiException api => (api.Status, api.Message),
            ImageDecodeException { OverBudget: true } d => (StatusCodes.Status413PayloadTooLarge, d.Message),
            ImageDecodeException d => (StatusCodes.Status415UnsupportedMediaType, d.Message),
            BadInputException b => (StatusCodes.Status400BadRequest, b.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, BodyTooLarge(context)),
            BadHttpRequestException b => (b.StatusCode is >= 400 and < 500 ? b.StatusCode : 400, "bad request: " + b.Message),
            // The multipart reader: truncated bodies, missing boundaries, sections over the length limit.
            InvalidDataException d when d.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) => (StatusCodes.Status413PayloadTooLarge, BodyTooLarge(context)),
            InvalidDataException d => (StatusCodes.Status400BadRequest, "malformed multipart body: " + d.Message),
            IOException when context.RequestAborted.IsCancellationRequested => (StatusCodes.Status400BadRequest, "the client closed the connection"),
            IOException => (StatusCodes.Status400BadRequest, "malformed or truncated request body (it ends before the multipart closing boundary)"),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => (StatusCodes.Status400BadRequest, "the client closed the connection"),
            OperationCanceledException => (StatusCodes.Status503ServiceUnavailable, $"request timed out (the limit is {TimeoutOf(context)})"),
            _ => (StatusCodes.Status500InternalServerError, "internal error (see the server log)"),
        };
    }

    private static string BodyTooLarge(HttpContext context) => Limits(context) is { } limits
        ? $"request body too large (the limit is {(VideoEndpoints.BodyLimit(context.Request, limits) ?? limits.MaxBodyBytes) / 1e6:0.#} MB)"
        : "request body too large";

    private static string TimeoutOf(HttpContext context) => $"{Limits(context)?.RequestTimeout.TotalSeconds:0.#} s";

    private static FaceServerOptions? Limits(HttpContext context) => context.RequestServices.GetService(typeof(FaceServerOptions)) as FaceServerOptions;
}
