using System.CommandLine;
using FaceNetML.Contracts;
using FaceNetML.Detection;
using FaceNetML.Imaging;

namespace FaceNetML.Cli.Commands;

/// <summary><c>facenetml detect IMAGE</c>: boxes, scores and landmarks of every face.</summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "Image file (JPEG, PNG, WebP, BMP)" };
        var command = new Command("detect", "Find faces (MTCNN): box, score and 5 landmarks each") { image, CliContext.MinFace };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(image)!;
            var picture = ImageDecoder.Decode(path);
            var store = CliContext.Store(parse);
            using var detector = MtcnnDetector.CreateDefault(CliContext.DetectionOptions(parse), store);
            var faces = detector.Detect(picture);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(DetectAnswer.From(faces));
            }
            else
            {
                Console.WriteLine($"{path}: {faces.Count} face(s)");
                foreach (var f in faces)
                    Console.WriteLine($"  box x={f.Box.X:F0} y={f.Box.Y:F0} w={f.Box.Width:F0} h={f.Box.Height:F0}  score {f.Score:F3}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
