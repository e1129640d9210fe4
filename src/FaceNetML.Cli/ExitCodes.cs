namespace FaceNetML.Cli;

/// <summary>Process exit codes of <c>facenetml</c>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>An unexpected failure (a bug, or the environment: registry unreachable, disk full).</summary>
    public const int Failure = 1;
    /// <summary>Unusable input: missing or corrupt file, bad arguments.</summary>
    public const int BadInput = 2;
    /// <summary>No face found where one is required.</summary>
    public const int NoFace = 3;

    /// <summary>The message of a failure that printed no error line of its own.</summary>
    public static string Describe(int code) => code switch
    {
        BadInput => "unusable input",
        NoFace => "no face found",
        _ => "failed",
    };
}
