namespace FaceNetML.Trainers; internal static class AssemblyInfo { }
