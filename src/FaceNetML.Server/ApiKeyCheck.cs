using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FaceNetML.Server;

/// <summary>With an API key set, every <c>/v1/</c> request must carry it in <c>X-API-Key</c> or <c>Authorization: Bearer</c>
/// (compared in fixed time; <c>GET /v1/events</c> also takes it as <c>?key=</c>, for EventSource); else 401. The page, <c>/health</c>, <c>/metrics</c> and the OpenAPI document stay open.</summary>
public static class ApiKeyCheck
{
    public static IApplicationBuilder UseApiKey(this IApplicationBuilder app, string? key)
    {
        if (string.IsNullOrEmpty(key)) return app;
        var expected = Encoding.UTF8.GetBytes(key);
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/v1"))
            {
                string? given = context.Request.Headers["X-API-Key"].FirstOrDefault();
                var auth = context.Request.Headers.Authorization.FirstOrDefault();
                if (given is null && auth is not null && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) given = auth[7..].Trim();
                // A browser's EventSource cannot send headers: the event stream also takes the key as ?key=.
                if (given is null && context.Request.Path == "/v1/events" && context.Request.Query.TryGetValue("key", out var query)) given = query.FirstOrDefault();
                if (given is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected))
                    throw new ApiException(StatusCodes.Status401Unauthorized, given is null ? "missing API key (send it in the X-API-Key header)" : "wrong API key");
            }
            await next(context);
        });
    }

    /// <summary>Reads a key file: its first line, trimmed (a refusal of an empty or unreadable file is one line).</summary>
    public static string ReadKeyFile(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{path}: cannot read the API key file ({e.Message.ReplaceLineEndings(" ")})");
        }
        var key = text.Split('\n', 2)[0].Trim();
        if (key.Length == 0) throw new BadInputException($"{path}: the API key file is empty");
        return key;
    }
}
