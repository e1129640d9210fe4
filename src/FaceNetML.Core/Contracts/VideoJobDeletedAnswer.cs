namespace FaceNetML.Contracts;

/// <summary>A video job deleted (<c>DELETE /v1/videos/{id}</c>): its files are gone.</summary>
/// <param name="Deleted">The job's id.</param>
/// <param name="Cancelled">True when the job was queued or running and has been stopped (it stays listed as "cancelled"
/// until it expires or is deleted again); false when a finished job was forgotten.</param>
public sealed record VideoJobDeletedAnswer(string Deleted, bool Cancelled);
