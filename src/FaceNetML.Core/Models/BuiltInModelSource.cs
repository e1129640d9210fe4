namespace FaceNetML.Models;

/// <summary>
/// Where some built-in models come from and what they must be: how FaceNetML obtains and converts them by itself, and
/// the manifest its code fixes for each (the ONNX hash and every field a copy in the store may not change). The
/// <see cref="ModelStore"/> installs, checks and refreshes every built-in model through this one type
/// (<see cref="BuiltInModelSources"/>).
/// </summary>
internal abstract class BuiltInModelSource
{
    /// <summary>The built-in models this source provides.</summary>
    public abstract IReadOnlyList<string> ModelNames { get; }

    /// <summary>The manifest fixed in the code for <paramref name="modelName"/>, with the ONNX file's SHA-256.</summary>
    public abstract ModelManifest Expected(string modelName);

    /// <summary>True when an installed copy was written as this version would write it (by default: by the current
    /// converter). A copy that is current but differs from <see cref="Expected"/> is refused, never silently replaced.</summary>
    public virtual bool IsCurrent(string modelName, ModelManifest installed) => installed.ConverterVersion == Expected(modelName).ConverterVersion;

    /// <summary>What restores a damaged or edited copy, for error messages.</summary>
    public virtual string RestoreHint => "run `facenetml models fetch --force` to restore it";

    /// <summary>True when <c>models fetch</c> (without a model name) installs this source's models; shipped models are
    /// written on first use instead.</summary>
    public virtual bool Fetched => true;

    /// <summary>True when <paramref name="folder"/> holds any file this source installs from (an offline install).</summary>
    public virtual bool CanReadFolder(string folder) => false;

    /// <summary>
    /// Obtains the models' bytes (from <paramref name="fromFolder"/>, a copy kept under <paramref name="storeRoot"/>, or
    /// the network), checks every pinned hash, and returns each model's ONNX bytes and the manifest to store.
    /// </summary>
    /// <exception cref="BadInputException">A file from the user is missing or differs from its pinned hash.</exception>
    /// <exception cref="ModelFetchException">The download or the conversion failed.</exception>
    public abstract IReadOnlyList<(byte[] Onnx, ModelManifest Manifest)> Produce(IReadOnlyList<string> modelNames, string storeRoot, bool force,
        string? fromFolder, Action<string> progress);
}
