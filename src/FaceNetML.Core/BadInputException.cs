namespace FaceNetML;

/// <summary>
/// Input that FaceNetML cannot use (a missing, empty or corrupt file, a malformed model or pairs list).
/// The message is a single line fit to show a user; batch APIs turn it into an error row.
/// </summary>
public class BadInputException(string message, Exception? inner = null) : Exception(message, inner);
