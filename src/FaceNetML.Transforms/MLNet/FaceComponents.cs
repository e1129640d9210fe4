using System.Collections.Concurrent;
using FaceNetML.Alignment;
using FaceNetML.Detection;
using FaceNetML.Imaging;
using Microsoft.ML.Data;

namespace FaceNetML.MLNet;

/// <summary>
/// The native resources behind the ML.NET mappings: one MTCNN detector (default settings, models from
/// <see cref="Models.ModelStore.Default"/>) and one aligner per crop size, shared by every pipeline in the process.
/// CustomMapping factories cannot carry parameters, so these are what a model loaded from model.zip gets back.
/// </summary>
internal static class FaceComponents
{
    private static readonly Lazy<MtcnnDetector> LazyDetector = new(() => MtcnnDetector.CreateDefault(), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly ConcurrentDictionary<(int, string), FaceAligner> Aligners = new();

    private static int _imageTypeRegistered;

    /// <summary>
    /// Maps an unattributed <see cref="MLImage"/> member to an image of any size, so CustomMapping rows can take
    /// the column <c>LoadImages</c> produces. Called by the catalog methods and the factories (the load path).
    /// </summary>
    public static void EnsureImageType()
    {
        if (Interlocked.Exchange(ref _imageTypeRegistered, 1) == 1) return;
        try
        {
            DataViewTypeManager.Register(new Microsoft.ML.Transforms.Image.ImageDataViewType(), typeof(MLImage));
        }
        catch (ArgumentException)
        {
            // already registered by someone else with the same meaning
        }
    }

    public static MtcnnDetector Detector => LazyDetector.Value;

    /// <summary>The string behind a text column value without copying it when it is a whole string (the constant
    /// columns of <c>MapValue</c> are), else a copy.</summary>
    public static string Text(ReadOnlyMemory<char> value) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetString(value, out var text, out int start, out int length) && start == 0 && length == text.Length
            ? text
            : value.ToString();

    public static FaceAligner Aligner(int size, string template = "standard") =>
        Aligners.GetOrAdd((size, template), k => new FaceAligner(FaceTemplate.For(k.Item2, k.Item1)));

    // MLImages this assembly made from an RgbImage, with that image: the next step of the chain gets it back without a
    // conversion. Weak keys: an entry lives as long as its MLImage. The RgbImage is never written to afterwards.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<MLImage, RgbImage> Sources = new();

    /// <summary>An ML.NET image (BGRA32) as an <see cref="RgbImage"/>: the image it was made from when this assembly made
    /// it, else a copy (the MLImage dies with its cursor row). Callers must not modify the result.</summary>
    public static RgbImage ToRgb(MLImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (Sources.TryGetValue(image, out var source)) return source;
        if (image.PixelFormat != MLPixelFormat.Bgra32)
            throw new BadInputException($"unsupported MLImage pixel format {image.PixelFormat} (expected Bgra32)");
        return ImageDecoder.FromBgra32(image.Pixels, image.Width, image.Height);
    }

    /// <summary>An <see cref="RgbImage"/> as a new BGRA32 <see cref="MLImage"/> (opaque alpha).</summary>
    public static MLImage ToMLImage(RgbImage image)
    {
        var src = image.Pixels;
        var bgra = new byte[image.Width * image.Height * 4];
        for (int i = 0, j = 0; i < src.Length; i += 3, j += 4)
        {
            bgra[j] = src[i + 2];
            bgra[j + 1] = src[i + 1];
            bgra[j + 2] = src[i];
            bgra[j + 3] = 255;
        }
        var result = MLImage.CreateFromPixels(image.Width, image.Height, MLPixelFormat.Bgra32, bgra);
        Sources.AddOrUpdate(result, image);
        return result;
    }
}
