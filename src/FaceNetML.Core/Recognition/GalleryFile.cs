using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceNetML.Recognition;

/// <summary>
/// The gallery JSON format (<c>facenetml-gallery/2</c>: model, verification threshold, identification rule, people
/// with their embeddings, sources and which photos were grayscale). Version 1 files (no rule) load with the model's default rule. Loading validates
/// everything: finite values, one embedding length, non-empty people, a rule for the same model.
/// </summary>
public static class GalleryFile
{
    public const string FormatName = "facenetml-gallery/2";
    private const string FormatV1 = "facenetml-gallery/1";

    /// <summary>Writes the gallery as JSON (written to a temporary file first, then moved into place).</summary>
    public static void Save(Gallery gallery, string path)
    {
        ArgumentNullException.ThrowIfNull(gallery);
        Write(path, new GalleryInfo(gallery.Model, gallery.Threshold, gallery.Dimension ?? 0, gallery.Rule.ToJson()), gallery.People);
    }

    /// <summary>Writes a gallery's metadata and people as JSON (a temporary file first, then moved into place).</summary>
    public static void Write(string path, GalleryInfo info, IReadOnlyList<GalleryPerson> people)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(people);
        var dto = new Dto
        {
            Format = FormatName,
            Model = info.Model,
            Threshold = info.Threshold,
            Rule = JsonDocument.Parse(info.RuleJson).RootElement.Clone(),
            People = people.Select(p => new PersonDto
            {
                Name = p.Name, Sources = [.. p.Sources], Embeddings = [.. p.Embeddings], Gray = p.Grayscale.Any(g => g) ? [.. p.Grayscale] : null,
            }).ToList(),
        };
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new BadInputException($"{path}: is a folder, not a gallery file");
        var dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var temp = full + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(dto, JsonOptions));
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Reads and validates a gallery written by <see cref="Save"/>.</summary>
    /// <exception cref="BadInputException">Missing file, malformed JSON, or an invalid gallery (one line naming the file).</exception>
    public static Gallery Load(string path)
    {
        var text = BoundedTextFile.Read(path, "gallery file", MaxBytes);
        Dto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<Dto>(text, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{path}: not a gallery JSON file ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        if (dto is null || dto.Model is null || dto.People is null)
            throw new BadInputException($"{path}: not a gallery JSON file (needs model, threshold, people)");
        if (dto.Format is not (FormatName or FormatV1))
            throw new BadInputException($"{path}: unknown gallery format '{dto.Format}' (expected {FormatName})");
        try
        {
            var notes = new List<string>();
            var rule = dto.Rule is { ValueKind: JsonValueKind.Object } r ? IdentificationRule.ParseStored(r.GetRawText(), path + " (rule)", dto.Model, dto.Threshold, notes.Add) : null;
            var gallery = new Gallery(dto.Model, dto.Threshold, rule);
            notes.ForEach(gallery.Warn);
            foreach (var p in dto.People)
            {
                if (string.IsNullOrWhiteSpace(p.Name)) throw new ArgumentException("a person without a name");
                if (p.Embeddings is null || p.Embeddings.Count == 0) throw new ArgumentException($"person '{p.Name}' has no embeddings");
                for (int i = 0; i < p.Embeddings.Count; i++)
                {
                    if (p.Embeddings[i] is null) throw new ArgumentException($"person '{p.Name}' has an empty embedding");
                    gallery.Add(p.Name, p.Embeddings[i], p.Sources is { } s && i < s.Count ? s[i] : "", p.Gray is { } g && i < g.Count && g[i]);
                }
            }
            if (gallery.People.Count == 0) throw new ArgumentException("no people");
            return gallery;
        }
        catch (ArgumentException e)
        {
            throw new BadInputException($"{path}: invalid gallery ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    /// <summary>Largest gallery file read (about a million 192-d embeddings).</summary>
    public const long MaxBytes = 4L << 30;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // 1e39 and friends read as infinity and are refused by Gallery.Add, not by the parser.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private sealed class Dto
    {
        public string? Format { get; set; }
        public string? Model { get; set; }
        public float Threshold { get; set; }
        public JsonElement? Rule { get; set; }
        public List<PersonDto>? People { get; set; }
    }

    private sealed class PersonDto
    {
        public string? Name { get; set; }
        public List<string>? Sources { get; set; }
        public List<float[]>? Embeddings { get; set; }
        /// <summary>Per embedding: from a grayscale photo (absent when none is).</summary>
        public List<bool>? Gray { get; set; }
    }
}
