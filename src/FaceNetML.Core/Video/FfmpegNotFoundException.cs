namespace FaceNetML.Video;

/// <summary>ffmpeg or ffprobe cannot be started: the machine lacks a tool, which is not a fault of the input (the CLI exits
/// 1, not 2).</summary>
public sealed class FfmpegNotFoundException(string message, Exception? inner = null) : Exception(message, inner);
