namespace FaceNetML.Recognition;

/// <summary>One stored embedding found by <see cref="IFaceIndex.Search"/>: its person and Euclidean distance to the query.</summary>
public readonly record struct FaceMatch(string Person, float Distance);
