namespace FaceNetML.Server;

/// <summary>A request the API refuses: an HTTP status and one line for the <c>{"error": ...}</c> body.</summary>
public sealed class ApiException(int status, string message) : Exception(message.ReplaceLineEndings(" "))
{
    public int Status { get; } = status;
}
