using System.Drawing;

namespace FaceNetML.Video;

/// <summary>
/// A stretch of a video in which one person is named: from the first frame to the last (gaps shorter than the
/// builder's limit included), in frames and in seconds, with the most confident detection of the stretch.
/// </summary>
/// <param name="Person">Who is named.</param>
/// <param name="FirstFrame">The first frame naming them (0-based decode order).</param>
/// <param name="LastFrame">The last frame naming them.</param>
/// <param name="Start">Start, seconds from the beginning of the video (<c>FirstFrame / frame rate</c>).</param>
/// <param name="End">End, seconds (<c>(LastFrame + 1) / frame rate</c>: the last frame's end).</param>
/// <param name="BestConfidence">The highest identification confidence of the person's detector boxes in the stretch
/// (NaN when the rule gave none).</param>
/// <param name="BestFrame">The frame of that detection.</param>
/// <param name="BestBox">Its box, in the frame's pixels.</param>
public sealed record PersonSegment(string Person, int FirstFrame, int LastFrame, double Start, double End, float BestConfidence, int BestFrame, RectangleF BestBox);
