using Microsoft.ML;

namespace FaceNetML.MLNet;

/// <summary>
/// Runs a saved FaceNetML ML.NET chain (model.zip whose input is a <c>Path</c> string column and whose output has an
/// <c>Embedding</c> column) on image files, one row at a time so that a bad file is that file's error and the others
/// keep their embeddings. Everything the chain needs is inside model.zip: no model store, no npm.
/// </summary>
public sealed class SavedFaceModel : IDisposable
{
    private readonly PredictionEngine<PathRow, EmbeddingRow> _engine;

    public SavedFaceModel(string modelZip)
    {
        if (!File.Exists(modelZip)) throw new BadInputException($"{modelZip}: model file not found");
        var ml = new MLContext().RegisterFaceNetML();
        ITransformer model;
        try
        {
            model = ml.Model.Load(modelZip, out _);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or IOException or InvalidDataException)
        {
            throw new BadInputException($"{modelZip}: not a loadable ML.NET model ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        _engine = ml.Model.CreatePredictionEngine<PathRow, EmbeddingRow>(model);
    }

    /// <summary>The embedding of one file, or its one-line error; <c>NoFace</c> when the chain found no face (its embedding
    /// is the missing value, NaN, as <c>AlignFaces</c> without its centre-crop fallback gives).</summary>
    public (float[]? Embedding, string? Error, bool NoFace) Embed(string path)
    {
        try
        {
            var e = _engine.Predict(new PathRow { Path = path }).Embedding;
            return e.Length == 0 || float.IsNaN(e[0]) ? (null, $"{path}: no face found", true) : (e, null, false);
        }
        catch (Exception e) when (e is BadInputException || e.InnerException is BadInputException)
        {
            return (null, (e as BadInputException ?? (BadInputException)e.InnerException!).Message, false);
        }
    }

    public void Dispose() => _engine.Dispose();

    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    private sealed class EmbeddingRow
    {
        public float[] Embedding { get; set; } = [];
    }
}
