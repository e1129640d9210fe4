using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceNetML.Contracts;

/// <summary>
/// How the answers (the records of this namespace) are written as JSON, by the CLI's <c>--json</c> and by the server
/// alike, and how the server's OpenAPI document describes them: camelCase names; text as written ("'", "+" and accents,
/// not \u escapes: the readers are programs and terminals, not HTML pages); numbers as plain JSON numbers (a value
/// that may not be finite is turned into null by the record's factory, <see cref="Rounding.Finite"/>).
/// </summary>
/// <remarks>
/// <para>Nulls are written unless the property says otherwise: every nullable property of a record states its rule
/// with <see cref="JsonIgnoreAttribute"/>, <see cref="JsonIgnoreCondition.Never"/> (written as null, as <c>person</c>
/// of an unknown face) or <see cref="JsonIgnoreCondition.WhenWritingNull"/> (left out, as <c>reason</c> of a named
/// face). A record therefore writes the same JSON under options whose default leaves nulls out, as the CLI's do for
/// its other answers.</para>
/// <para>File formats (model manifests, identification rules, gallery files) have options of their own: they are not
/// answers.</para>
/// </remarks>
public static class ContractJson
{
    /// <summary>The options answers are written with (read-only).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Sets the answers' settings on options built elsewhere (ASP.NET Core's, whose instance cannot be
    /// replaced), so that the server writes, and its OpenAPI document describes, what <see cref="Options"/> writes.</summary>
    public static void Apply(JsonSerializerOptions target)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        target.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        target.NumberHandling = JsonNumberHandling.Strict;
        target.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions();
        Apply(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
