namespace FaceNetML.Server;

/// <summary>Where a video job stands; written in answers in lower case ("queued", "running", ...).</summary>
public enum VideoJobStatus
{
    /// <summary>Uploaded and checked, waiting for a worker.</summary>
    Queued,

    /// <summary>A worker is reading its frames.</summary>
    Running,

    /// <summary>Finished: its result and files are ready.</summary>
    Done,

    /// <summary>Stopped by an error (its one-line reason is kept).</summary>
    Failed,

    /// <summary>Stopped by <c>DELETE /v1/videos/{id}</c> (or the server stopping) before it finished; its files are gone.</summary>
    Cancelled,
}
