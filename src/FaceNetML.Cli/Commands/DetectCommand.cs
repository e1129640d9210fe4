using System.CommandLine;
using FaceNetML.Contracts;
using FaceNetML.Detection;
using FaceNetML.Imaging;

namespace FaceNetML.Cli.Commands;

/// <summary><c>facenetml detect IMAGE...</c>: boxes, scores and landmarks of every face of each image. One image answers
/// with its faces (a bad file fails the command); several answer with one row per image, and a bad file becomes an
/// error row while the others keep their faces.</summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var images = new Argument<string[]>("images") { Description = "Image files (JPEG, PNG, WebP, BMP)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("detect", "Find faces (MTCNN): box, score and 5 landmarks each") { images, CliContext.MinFace, CliContext.Threads };
        command.SetAction(parse =>
        {
            var paths = parse.GetValue(images)!;
            bool json = parse.GetValue(CliContext.Json);
            if (paths.Length == 1)
            {
                var picture = ImageDecoder.Decode(paths[0]); // a bad file fails before the models load
                using var single = MtcnnDetector.CreateDefault(CliContext.DetectionOptions(parse), CliContext.Store(parse));
                var faces = single.Detect(picture);
                if (json) CliContext.WriteJson(DetectAnswer.From(faces));
                else Print(paths[0], faces);
                return ExitCodes.Success;
            }

            using var detector = MtcnnDetector.CreateDefault(CliContext.DetectionOptions(parse), CliContext.Store(parse));
            var found = new (IReadOnlyList<DetectedFace>? Faces, string? Error)[paths.Length];
            Parallel.For(0, paths.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parse.GetValue(CliContext.Threads)) }, i =>
            {
                try
                {
                    found[i] = (detector.Detect(ImageDecoder.Decode(paths[i])), null);
                }
                catch (BadInputException e)
                {
                    found[i] = (null, e.Message);
                }
            });
            if (json)
                CliContext.WriteJson(new DetectManyAnswer([.. found.Select((f, i) => f.Faces is { } faces
                    ? DetectRow.Detected(paths[i], [.. faces.Select(FaceDetection.From)]) : DetectRow.Failed(paths[i], f.Error!))]));
            else
                for (int i = 0; i < paths.Length; i++)
                    if (found[i].Faces is { } faces) Print(paths[i], faces);
            foreach (var f in found.Where(f => f.Error is not null)) CliContext.Error("error: " + f.Error);
            return found.Any(f => f.Error is not null) ? ExitCodes.BadInput : ExitCodes.Success;
        });
        return command;
    }

    private static void Print(string path, IReadOnlyList<DetectedFace> faces)
    {
        Console.WriteLine($"{path}: {faces.Count} face(s)");
        foreach (var f in faces)
            Console.WriteLine($"  box x={f.Box.X:F0} y={f.Box.Y:F0} w={f.Box.Width:F0} h={f.Box.Height:F0}  score {f.Score:F3}");
    }
}
