namespace FaceNetML.Verification;

/// <summary>A decision threshold ("same" when <c>distance &lt; Threshold</c>) and the accuracy it reaches.</summary>
public readonly record struct ThresholdAccuracy(float Threshold, double Accuracy);
