using System.Runtime.InteropServices;

namespace FaceNetML;

/// <summary>What a path names, after following symbolic links: the one question asked before a file is opened,
/// because opening a FIFO blocks until a writer comes and reading a device (<c>/dev/zero</c>) never ends.</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
    /// <summary>The kind could not be asked of the system (not on Unix); callers treat it as a regular file.</summary>
    Unknown,
}

/// <summary>Finds the <see cref="FileKind"/> of a path with <c>stat</c>, without opening it.</summary>
/// <remarks>.NET has no public API for the file type (its <see cref="FileAttributes"/> say nothing of devices or
/// FIFOs), so this calls the runtime's own <c>stat</c> wrapper in <c>libSystem.Native</c>, whose result struct
/// begins with two 32-bit fields, flags and mode, in the layout .NET defines on every Unix.</remarks>
public static class FileKinds
{
    private const int TypeMask = 0xF000, Fifo = 0x1000, Char = 0x2000, Dir = 0x4000, Block = 0x6000, Regular = 0x8000, Socket = 0xC000;

    /// <summary>The kind of <paramref name="path"/>, links followed.</summary>
    public static FileKind Of(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
            return File.Exists(path) ? FileKind.Unknown : Directory.Exists(path) ? FileKind.Directory : FileKind.Missing;
        FileStatus status;
        try
        {
            if (Stat(path, out status) != 0)
                return File.Exists(path) || Directory.Exists(path) ? FileKind.Unknown : FileKind.Missing;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return File.Exists(path) ? FileKind.Unknown : Directory.Exists(path) ? FileKind.Directory : FileKind.Missing;
        }
        return (status.Mode & TypeMask) switch
        {
            Regular => FileKind.Regular,
            Dir => FileKind.Directory,
            Char => FileKind.CharacterDevice,
            Block => FileKind.BlockDevice,
            Fifo => FileKind.Fifo,
            Socket => FileKind.Socket,
            _ => FileKind.Unknown,
        };
    }

    /// <summary>Words for a message: "a character device", "a FIFO", ...</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Fifo => "a named pipe",
        FileKind.Socket => "a socket",
        FileKind.Missing => "missing",
        _ => "of an unknown kind",
    };

    /// <summary>The head of .NET's <c>FileStatus</c>; the rest of the (larger, version-dependent) struct is room only.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 512)]
    private struct FileStatus
    {
        public int Flags;
        public int Mode;
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus status);
}
