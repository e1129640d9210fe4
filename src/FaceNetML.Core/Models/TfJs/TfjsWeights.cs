using System.Buffers.Binary;
using System.Text.Json;

namespace FaceNetML.Models.TfJs;

/// <summary>One tensor of a TensorFlow.js weights file, dequantised to float32.</summary>
public sealed record TfjsTensor(string Name, int[] Shape, float[] Values);

/// <summary>
/// Reads TensorFlow.js "weights manifest" models: a JSON list of groups, each naming its binary shard files
/// and the tensors stored in them back to back (name, shape, dtype, optional affine quantisation
/// <c>value = q * scale + min</c> with uint8 or uint16 codes). Every size is checked against the shard length,
/// so a truncated or mismatched file gives a one-line <see cref="BadInputException"/>.
/// </summary>
public static class TfjsWeights
{
    public static IReadOnlyDictionary<string, TfjsTensor> Read(string manifestJson, Func<string, byte[]> readShard)
    {
        var result = new Dictionary<string, TfjsTensor>(StringComparer.Ordinal);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(manifestJson); }
        catch (JsonException e) { throw new BadInputException($"TF.js weights manifest is not valid JSON: {e.Message}"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new BadInputException("TF.js weights manifest: expected a list of weight groups");
            foreach (var group in doc.RootElement.EnumerateArray())
            {
                var data = group.GetProperty("paths").EnumerateArray().SelectMany(p => readShard(p.GetString()!)).ToArray();
                int offset = 0;
                foreach (var w in group.GetProperty("weights").EnumerateArray())
                {
                    var name = w.GetProperty("name").GetString()!;
                    var shape = w.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
                    long count = shape.Aggregate(1L, (a, d) => a * d);
                    var dtype = w.GetProperty("dtype").GetString();
                    float scale = 1, min = 0;
                    string storage = dtype ?? "float32";
                    if (w.TryGetProperty("quantization", out var q))
                    {
                        storage = q.GetProperty("dtype").GetString()!;
                        scale = q.GetProperty("scale").GetSingle();
                        min = q.GetProperty("min").GetSingle();
                    }
                    int bytes = storage switch
                    {
                        "uint8" => 1, "uint16" => 2, "float32" or "int32" => 4,
                        _ => throw new BadInputException($"TF.js weights: {name} has unsupported storage type {storage}"),
                    };
                    if (count < 0 || offset + count * bytes > data.Length)
                        throw new BadInputException($"TF.js weights: {name} needs {count * bytes} bytes at offset {offset}, the shards hold {data.Length}");
                    var values = new float[count];
                    var span = data.AsSpan(offset, (int)(count * bytes));
                    for (int i = 0; i < count; i++)
                        values[i] = storage switch
                        {
                            "uint8" => span[i] * scale + min,
                            "uint16" => BinaryPrimitives.ReadUInt16LittleEndian(span[(2 * i)..]) * scale + min,
                            "int32" => BinaryPrimitives.ReadInt32LittleEndian(span[(4 * i)..]),
                            _ => BinaryPrimitives.ReadSingleLittleEndian(span[(4 * i)..]),
                        };
                    offset += (int)(count * bytes);
                    result[name] = new TfjsTensor(name, shape, values);
                }
                if (offset != data.Length) throw new BadInputException($"TF.js weights: the manifest describes {offset} bytes but the shards hold {data.Length}");
            }
        }
        return result;
    }
}
