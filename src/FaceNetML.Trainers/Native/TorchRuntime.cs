using TorchSharp;

namespace FaceNetML.Trainers.Native;

/// <summary>
/// Loads TorchSharp safely: checks (and if needed patches) the GLIBCXX weak-version fix on the
/// <c>libLibTorchSharp.so</c> beside the application, then sets libtorch's thread counts.
/// </summary>
/// <remarks>
/// The build step in FaceNetML.Trainers.csproj already patches the copies; this is the fallback for an
/// output folder that was filled some other way. libtorch slows down 4-9x when it has more threads than
/// free cores, so training defaults to one thread and callers choose more explicitly.
/// </remarks>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool _checked;

    /// <summary>The native library next to the application (null when not found).</summary>
    public static string? NativeLibraryPath()
    {
        foreach (var candidate in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so"),
                     Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
                 })
            if (File.Exists(candidate)) return candidate;
        return null;
    }

    /// <summary>Ensures the native library loads on this system and sets intra- and inter-op threads.</summary>
    public static void Initialize(int threads = 1)
    {
        lock (Gate)
        {
            if (!_checked)
            {
                if (OperatingSystem.IsLinux() && NativeLibraryPath() is { } lib &&
                    ElfVersionPatcher.Inspect(lib, ElfVersionPatcher.TorchSharpVersion) == ElfVersionPatcher.State.Strong)
                {
                    try { ElfVersionPatcher.MarkWeak(lib, ElfVersionPatcher.TorchSharpVersion); }
                    catch (IOException) { } catch (UnauthorizedAccessException) { }
                }
                _checked = true;
            }
            SetThreads(threads);
        }
    }

    // Separate method so that nothing of TorchSharp is touched (and its native library loaded) before the check above.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void SetThreads(int threads) => torch.set_num_threads(Math.Max(1, threads));
}
