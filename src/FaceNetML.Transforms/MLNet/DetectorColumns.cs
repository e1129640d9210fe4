using System.Security.Cryptography;
using System.Collections.Concurrent;
using FaceNetML.Detection;
using FaceNetML.Models;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace FaceNetML.MLNet;

/// <summary>Input row of <see cref="DetectorKeyMappingFactory"/>.</summary>
internal sealed class DetectorKeyInput
{
    [ColumnName(DetectFacesMappingFactory.ImageColumn)]
    public MLImage? Image { get; set; }
}

/// <summary>Output row of <see cref="DetectorKeyMappingFactory"/>: the constant key the detector columns hang on.</summary>
internal sealed class DetectorKeyOutput
{
    [ColumnName(DetectorColumns.KeyColumn)]
    public int Key { get; set; }
}

/// <summary>Gives every row the key <see cref="DetectorColumns.Key"/>; ML.NET's <c>MapValue</c> then attaches the
/// detector's models and settings to it (value mappings are saved inside model.zip with their data).</summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class DetectorKeyMappingFactory : CustomMappingFactory<DetectorKeyInput, DetectorKeyOutput>
{
    public const string ContractName = "FaceNetML.DetectorKey.v1";

    public DetectorKeyMappingFactory() => FaceComponents.EnsureImageType();

    public static void Map(DetectorKeyInput input, DetectorKeyOutput output) => output.Key = DetectorColumns.Key;

    public override Action<DetectorKeyInput, DetectorKeyOutput> GetMapping() => Map;
}

/// <summary>
/// How a fitted <c>DetectFaces</c> carries its detector inside model.zip: CustomMapping factories persist no parameters,
/// so the three MTCNN models and the <see cref="MtcnnOptions"/> are two constant columns made by ML.NET's <c>MapValue</c>,
/// whose key-to-value table is saved with the model. The models travel as text (a SHA-256 in hex, a colon, the
/// length-prefixed ONNX bytes in base64): ML.NET copies a byte-vector input into every row, which cost 10-15% of the
/// route's speed, but hands text over by reference. The mapping builds one detector per models and settings.
/// </summary>
internal static class DetectorColumns
{
    public const int Key = 1;
    public const string KeyColumn = "__FaceNetML_DetectFaces_Key";
    public const string SettingsColumn = "__FaceNetML_DetectFaces_Settings";
    public const string ModelsColumn = "__FaceNetML_DetectFaces_Models";
    private const int Version = 1;

    private static readonly ConcurrentDictionary<string, MtcnnDetector> Detectors = new(StringComparer.Ordinal);

    /// <summary>The estimators that add the key, models and settings columns for a detector of <paramref name="options"/>.</summary>
    public static IEstimator<ITransformer> Attach(TransformsCatalog catalog, MtcnnOptions options, ModelStore? store)
    {
        options.Validate();
        store ??= ModelStore.Default;
        var packed = Pack([File.ReadAllBytes(store.Get("mtcnn-pnet").OnnxPath), File.ReadAllBytes(store.Get("mtcnn-rnet").OnnxPath),
            File.ReadAllBytes(store.Get("mtcnn-onet").OnnxPath)]);
        var models = Convert.ToHexStringLower(SHA256.HashData(packed)) + ":" + Convert.ToBase64String(packed);
        return new ImageMappingEstimator<DetectorKeyInput, DetectorKeyOutput>(
                catalog.CustomMapping<DetectorKeyInput, DetectorKeyOutput>(DetectorKeyMappingFactory.Map, DetectorKeyMappingFactory.ContractName))
            .Append(catalog.Conversion.MapValue(ModelsColumn, [new KeyValuePair<int, string>(Key, models)], KeyColumn))
            .Append(catalog.Conversion.MapValue(SettingsColumn, [new KeyValuePair<int, float[]>(Key, Settings(options))], KeyColumn));
    }

    /// <summary>The detector one row's columns describe (built once per models and settings).</summary>
    public static MtcnnDetector Detector(ReadOnlyMemory<char> models, float[] settings)
    {
        if (settings.Length < 1 || settings[0] != Version)
            throw new BadInputException("DetectFaces: the model's detector settings are of an unknown version");
        if (models.Length < 65 || models.Span[64] != ':')
            throw new BadInputException("DetectFaces: the model's detector models are damaged");
        var id = string.Concat(models.Span[..64], ",", string.Join(",", settings));
        return Detectors.GetOrAdd(id, _ =>
        {
            var packed = Convert.FromBase64String(models[65..].ToString());
            // The hash saved beside the bytes when the chain was fitted: a damaged or edited model.zip is refused.
            if (!models.Span[..64].SequenceEqual(Convert.ToHexStringLower(SHA256.HashData(packed))))
                throw new BadInputException("DetectFaces: the detector models inside the ML.NET model do not match their saved sha256; the model file is damaged or was edited");
            var parts = Unpack(packed);
            return new MtcnnDetector(parts[0], parts[1], parts[2], Options(settings));
        });
    }

    internal static float[] Settings(MtcnnOptions o)
    {
        var v = new List<float> { Version };
        v.AddRange([o.MinFaceSize, o.MaxDetectionPixels / 1000f, o.ScaleFactor, o.PNetThreshold, o.RNetThreshold, o.ONetThreshold,
            o.PNetScaleNmsThreshold, o.PNetNmsThreshold, o.RNetNmsThreshold, o.ONetNmsThreshold, o.IntraOpThreads, o.MaxBatch]);
        return [.. v];
    }

    internal static MtcnnOptions Options(float[] s)
    {
        const int i = 1;
        return new MtcnnOptions
        {
            MinFaceSize = (int)s[i],
            MaxDetectionPixels = (long)s[i + 1] * 1000,
            ScaleFactor = s[i + 2],
            PNetThreshold = s[i + 3],
            RNetThreshold = s[i + 4],
            ONetThreshold = s[i + 5],
            PNetScaleNmsThreshold = s[i + 6],
            PNetNmsThreshold = s[i + 7],
            RNetNmsThreshold = s[i + 8],
            ONetNmsThreshold = s[i + 9],
            IntraOpThreads = (int)s[i + 10],
            MaxBatch = (int)s[i + 11],
        };
    }

    private static byte[] Pack(byte[][] parts)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        foreach (var p in parts)
        {
            w.Write(p.Length);
            w.Write(p);
        }
        w.Flush();
        return stream.ToArray();
    }

    private static byte[][] Unpack(byte[] packed)
    {
        using var r = new BinaryReader(new MemoryStream(packed));
        var parts = new byte[3][];
        for (int i = 0; i < 3; i++)
        {
            int n = r.ReadInt32();
            if (n <= 0 || n > packed.Length) throw new BadInputException("DetectFaces: the model's detector models are damaged");
            parts[i] = r.ReadBytes(n);
        }
        return parts;
    }
}
