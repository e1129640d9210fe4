using Microsoft.AspNetCore.Routing;
using Scalar.AspNetCore;

namespace FaceNetML.Server;

/// <summary>The API reference at <c>/docs</c>: Scalar over the typed OpenAPI document (<c>/openapi/v1.json</c>), each
/// answer with its example (<see cref="ContractSchemas"/>). Scalar's page and scripts come from the package, so the
/// reference works offline; like the OpenAPI document it needs no API key.</summary>
public static class ApiReference
{
    public const string Path = "/docs";

    public static void Map(IEndpointRouteBuilder app) => app.MapScalarApiReference(Path, o => o
        .WithTitle("FaceNetML API")
        .WithOpenApiRoutePattern("/openapi/{documentName}.json"));
}
