using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;

namespace FaceNetML.Trainers.Native;

/// <summary>
/// Loads TorchSharp safely: checks (and if needed patches) the GLIBCXX weak-version fix on the
/// <c>libLibTorchSharp.so</c> beside the application, then sets libtorch's thread counts. Says whether libtorch
/// is there at all (<see cref="IsAvailable"/>), and turns its absence into one clear error.
/// </summary>
/// <remarks>
/// The build step in FaceNetML.Trainers.csproj already patches the copies; this is the fallback for an
/// output folder that was filled some other way. libtorch slows down 4-9x when it has more threads than
/// free cores, so training defaults to one thread and callers choose more explicitly.
/// FaceNetML.Trainers references TorchSharp (managed, with its small native shim) but no libtorch package: the
/// application that trains brings one (libtorch-cpu-linux-x64 in the facenetml-train tool and in the tests).
/// </remarks>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool _checked;
    private static readonly Lazy<bool> Available = new(FindLibTorch);

    /// <summary>The one-line message of <see cref="LibTorchNotFoundException"/> when nothing else is said.</summary>
    public const string MissingMessage =
        "libtorch (the native library TorchSharp runs on) is not installed beside this application: reference a libtorch package such as libtorch-cpu-linux-x64";

    /// <summary>libtorch's main library on this platform: <c>libtorch_cpu.so</c>, <c>libtorch_cpu.dylib</c> or <c>torch_cpu.dll</c>.</summary>
    public static string LibTorchFileName =>
        OperatingSystem.IsWindows() ? "torch_cpu.dll" : OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so";

    /// <summary>
    /// Whether libtorch can be loaded, decided without loading it when it is found: <see cref="LibTorchFileName"/>
    /// beside the application, beside TorchSharp.dll or in a native folder of the application's deps.json, each also
    /// under <c>runtimes/RID/native</c>; failing that, whether the loader finds it by name (a system-wide libtorch).
    /// Computed once.
    /// </summary>
    public static bool IsAvailable => Available.Value;

    /// <summary>The native library next to the application (null when not found).</summary>
    public static string? NativeLibraryPath() =>
        NativeDirectories().Select(d => Path.Combine(d, "libLibTorchSharp.so")).FirstOrDefault(File.Exists);

    /// <summary>Ensures the native library loads on this system and sets intra- and inter-op threads.</summary>
    /// <exception cref="LibTorchNotFoundException">libtorch is not there (TorchSharp could not load it).</exception>
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
            try
            {
                SetThreads(threads);
            }
            // TorchSharp reports a missing libtorch as NotSupportedException (with a page of probing trace), and
            // afterwards as TypeInitializationException; a missing shim is DllNotFoundException.
            catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException && !IsAvailable)
            {
                throw new LibTorchNotFoundException(MissingMessage, e);
            }
        }
    }

    // Separate method so that nothing of TorchSharp is touched (and its native library loaded) before the check above.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void SetThreads(int threads) => torch.set_num_threads(Math.Max(1, threads));

    private static bool FindLibTorch()
    {
        var name = LibTorchFileName;
        if (NativeDirectories().Any(d => File.Exists(Path.Combine(d, name)))) return true;
        // Not beside us: the loader's own search (LD_LIBRARY_PATH, the system folders), as TorchSharp searches.
        if (!NativeLibrary.TryLoad("torch_cpu", TorchSharpAssembly, null, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }

    private static Assembly TorchSharpAssembly => typeof(torch).Assembly;

    /// <summary>Folders where the application's native libraries live, each also with its <c>runtimes/RID/native</c>.</summary>
    private static IEnumerable<string> NativeDirectories()
    {
        var roots = new List<string> { AppContext.BaseDirectory };
        if (Path.GetDirectoryName(TorchSharpAssembly.Location) is { Length: > 0 } torchSharp) roots.Add(torchSharp);
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searched)
            roots.AddRange(searched.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        string[] rids = [$"{os}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}", RuntimeInformation.RuntimeIdentifier];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            if (!seen.Add(Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar))) continue;
            yield return root;
            foreach (var rid in rids.Distinct()) yield return Path.Combine(root, "runtimes", rid, "native");
        }
    }
}

/// <summary>libtorch, the native library TorchSharp trains on, is not installed where this application can load it.</summary>
public sealed class LibTorchNotFoundException : Exception
{
    public LibTorchNotFoundException(string message) : base(message) { }

    public LibTorchNotFoundException(string message, Exception inner) : base(message, inner) { }
}
