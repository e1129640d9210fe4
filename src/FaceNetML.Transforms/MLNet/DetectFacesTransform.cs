using FaceNetML.Detection;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace FaceNetML.MLNet;

/// <summary>Input row of <see cref="DetectFacesMappingFactory"/> (internal column names; the catalog renames).</summary>
internal sealed class DetectFacesInput
{
    [ColumnName(DetectFacesMappingFactory.ImageColumn)]
    public MLImage? Image { get; set; }
}

/// <summary>Output row of <see cref="DetectFacesMappingFactory"/>: all faces, largest first.</summary>
internal sealed class DetectFacesOutput
{
    [ColumnName(DetectFacesMappingFactory.CountColumn)]
    public int Count { get; set; }

    /// <summary>x, y, width, height per face.</summary>
    [ColumnName(DetectFacesMappingFactory.BoxesColumn), VectorType]
    public float[] Boxes { get; set; } = [];

    [ColumnName(DetectFacesMappingFactory.ScoresColumn), VectorType]
    public float[] Scores { get; set; } = [];

    /// <summary>Ten values per face (x, y of left eye, right eye, nose, left and right mouth corner); NaN when a face has none.</summary>
    [ColumnName(DetectFacesMappingFactory.LandmarksColumn), VectorType]
    public float[] Landmarks { get; set; } = [];
}

/// <summary>
/// The MTCNN step of <see cref="FaceCatalog.DetectFaces"/> as a persisted <c>CustomMapping</c>
/// (contract <see cref="ContractName"/>; default detector settings, models from the model store).
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class DetectFacesMappingFactory : CustomMappingFactory<DetectFacesInput, DetectFacesOutput>
{
    public const string ContractName = "FaceNetML.DetectFaces.v1";
    internal const string ImageColumn = "__FaceNetML_DetectFaces_Image";
    internal const string CountColumn = "__FaceNetML_DetectFaces_Count";
    internal const string BoxesColumn = "__FaceNetML_DetectFaces_Boxes";
    internal const string ScoresColumn = "__FaceNetML_DetectFaces_Scores";
    internal const string LandmarksColumn = "__FaceNetML_DetectFaces_Landmarks";

    public DetectFacesMappingFactory() => FaceComponents.EnsureImageType();

    public static void Map(DetectFacesInput input, DetectFacesOutput output)
    {
        if (input.Image is null)
        {
            output.Count = 0;
            output.Boxes = output.Scores = output.Landmarks = [];
            return;
        }
        var faces = FaceComponents.Detector.Detect(FaceComponents.ToRgb(input.Image));
        Write(faces, output);
    }

    internal static void Write(IReadOnlyList<DetectedFace> faces, DetectFacesOutput output)
    {
        var boxes = new float[faces.Count * 4];
        var scores = new float[faces.Count];
        var landmarks = new float[faces.Count * 10];
        for (int i = 0; i < faces.Count; i++)
        {
            var f = faces[i];
            boxes[i * 4] = f.Box.X;
            boxes[i * 4 + 1] = f.Box.Y;
            boxes[i * 4 + 2] = f.Box.Width;
            boxes[i * 4 + 3] = f.Box.Height;
            scores[i] = f.Score;
            for (int k = 0; k < 5; k++)
            {
                bool has = f.Landmarks is { Length: 5 };
                landmarks[i * 10 + 2 * k] = has ? f.Landmarks![k].X : float.NaN;
                landmarks[i * 10 + 2 * k + 1] = has ? f.Landmarks![k].Y : float.NaN;
            }
        }
        output.Count = faces.Count;
        output.Boxes = boxes;
        output.Scores = scores;
        output.Landmarks = landmarks;
    }

    /// <summary>Face <paramref name="index"/> of a detection row back as a <see cref="DetectedFace"/>.</summary>
    internal static DetectedFace Read(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<float> landmarks, int index)
    {
        var box = new System.Drawing.RectangleF(boxes[index * 4], boxes[index * 4 + 1], boxes[index * 4 + 2], boxes[index * 4 + 3]);
        System.Drawing.PointF[]? points = null;
        if (landmarks.Length >= (index + 1) * 10 && !float.IsNaN(landmarks[index * 10]))
        {
            points = new System.Drawing.PointF[5];
            for (int k = 0; k < 5; k++) points[k] = new(landmarks[index * 10 + 2 * k], landmarks[index * 10 + 2 * k + 1]);
        }
        return new DetectedFace(box, scores.Length > index ? scores[index] : 0, points);
    }

    public override Action<DetectFacesInput, DetectFacesOutput> GetMapping() => Map;
}

/// <summary>Input row of <see cref="DetectFacesWithSettingsMappingFactory"/>: the image plus the detector columns.</summary>
internal sealed class DetectFacesWithSettingsInput
{
    [ColumnName(DetectFacesMappingFactory.ImageColumn)]
    public MLImage? Image { get; set; }

    [ColumnName(DetectorColumns.ModelsColumn)]
    public ReadOnlyMemory<char> Models { get; set; }

    [ColumnName(DetectorColumns.SettingsColumn), VectorType]
    public float[] Settings { get; set; } = [];
}

/// <summary>
/// The MTCNN step of <see cref="FaceCatalog.DetectFaces"/> since v2: the detector's models and settings come from
/// columns saved inside model.zip (<see cref="DetectorColumns"/>), so a loaded model needs no model store and keeps the
/// settings it was fitted with. (Contract v1, which took both from the model store's defaults, still loads.)
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class DetectFacesWithSettingsMappingFactory : CustomMappingFactory<DetectFacesWithSettingsInput, DetectFacesOutput>
{
    public const string ContractName = "FaceNetML.DetectFaces.v2";

    public DetectFacesWithSettingsMappingFactory() => FaceComponents.EnsureImageType();

    public static void Map(DetectFacesWithSettingsInput input, DetectFacesOutput output)
    {
        if (input.Image is null)
        {
            DetectFacesMappingFactory.Write([], output);
            return;
        }
        var detector = DetectorColumns.Detector(input.Models, input.Settings);
        DetectFacesMappingFactory.Write(detector.Detect(FaceComponents.ToRgb(input.Image)), output);
    }

    public override Action<DetectFacesWithSettingsInput, DetectFacesOutput> GetMapping() => Map;
}
