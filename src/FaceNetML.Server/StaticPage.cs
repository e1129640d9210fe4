using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FaceNetML.Server;

/// <summary>The web page (<c>wwwroot/</c>: index.html, app.css and one script per tab), embedded in the assembly and served as is.</summary>
public static class StaticPage
{
    private static readonly Dictionary<string, string> Types = new()
    {
        [".html"] = "text/html; charset=utf-8", [".css"] = "text/css; charset=utf-8", [".js"] = "text/javascript; charset=utf-8",
    };

    public static void Map(IEndpointRouteBuilder app)
    {
        var assembly = typeof(StaticPage).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("wwwroot/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var file = resource["wwwroot/".Length..];
            var type = Types.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
            IResult Serve() => Results.Bytes(bytes, type);
            app.MapGet("/" + file, Serve).ExcludeFromDescription();
            if (file == "index.html") app.MapGet("/", Serve).ExcludeFromDescription();
        }
    }
}
