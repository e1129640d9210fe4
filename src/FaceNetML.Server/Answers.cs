using FaceNetML.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FaceNetML.Server;

/// <summary>How endpoints write their answers (the records of <see cref="FaceNetML.Contracts"/>, with
/// <see cref="ContractJson.Options"/>) and declare them, with the error statuses they may answer, to the OpenAPI document.</summary>
internal static class Answers
{
    /// <summary>Failures of any <c>/v1/</c> request: a missing or wrong API key (when one is set), a body over the limit,
    /// an unexpected failure.</summary>
    public static readonly int[] RequestErrors =
        [StatusCodes.Status401Unauthorized, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status500InternalServerError];

    /// <summary>Failures of an upload whose images go through the pipeline: a bad form or missing field, a file that is not
    /// an image (or a body that is not multipart), overload, the time limit; and those of <see cref="RequestErrors"/>.</summary>
    public static readonly int[] UploadErrors =
    [
        StatusCodes.Status400BadRequest, .. RequestErrors, StatusCodes.Status415UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable,
    ];

    /// <summary><see cref="UploadErrors"/>, and no usable face (422).</summary>
    public static readonly int[] FaceErrors = [.. UploadErrors, StatusCodes.Status422UnprocessableEntity];

    /// <summary>The answer as JSON, written with <see cref="ContractJson.Options"/>.</summary>
    public static IResult Json<T>(T answer) => Results.Json(answer, ContractJson.Options);

    /// <summary>Declares an <see cref="ErrorAnswer"/> body for each of <paramref name="statuses"/>.</summary>
    public static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses.Distinct().Order()) builder.Produces<ErrorAnswer>(status);
        return builder;
    }
}
