// This one file is compiled twice: into FaceNetML.Trainers (where NET is defined) and, by MSBuild's
// RoslynCodeTaskFactory, into the build task PatchElfWeakVersion (netstandard2.0, NET undefined), so the
// build step and the runtime check share one implementation. Keep it to netstandard2.0 APIs.
using System;
using System.IO;
using System.Text;

namespace FaceNetML.Trainers.Native
{
    /// <summary>
    /// Marks a symbol-version requirement of an ELF64 shared library as weak (VER_FLG_WEAK in the vna_flags
    /// of its Vernaux entry in <c>.gnu.version_r</c>). The dynamic loader then reports a missing weak
    /// version as a warning instead of refusing to load the library.
    /// </summary>
    /// <remarks>
    /// Why: TorchSharp 0.107's <c>libLibTorchSharp.so</c> needs <c>GLIBCXX_3.4.32</c> (GCC 13) only for the
    /// marker symbol <c>std::ios_base_library_init</c>, which no relocation uses; Debian 12's libstdc++ has
    /// 3.4.30, so without the patch the library fails to load. The patch changes 2 bytes and is idempotent.
    /// </remarks>
    public static class ElfVersionPatcher
    {
        /// <summary>Version needed by TorchSharp 0.107's native library that Debian 12 lacks.</summary>
        public const string TorchSharpVersion = "GLIBCXX_3.4.32";

        private const ushort VerFlagWeak = 0x2;
        private const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>State of a symbol version in the file: absent, required (strong) or weak.</summary>
        public enum State { Absent, Strong, Weak }

        /// <summary>Reads the state of the version requirement without changing the file.</summary>
        public static State Inspect(string path, string version) => Visit(path, version, patch: false);

        /// <summary>Marks the requirement weak; returns true when the file changed (false: already weak or absent).</summary>
        public static bool MarkWeak(string path, string version)
        {
            if (Inspect(path, version) != State.Strong) return false;
            Visit(path, version, patch: true);
            return true;
        }

        /// <summary>Clears the weak flag again (for tests: recreates the unpatched state).</summary>
        internal static bool MarkStrong(string path, string version)
        {
            if (Inspect(path, version) != State.Weak) return false;
            Visit(path, version, patch: true, weak: false);
            return true;
        }

        private static State Visit(string path, string version, bool patch, bool weak = true)
        {
            using (var stream = new FileStream(path, FileMode.Open, patch ? FileAccess.ReadWrite : FileAccess.Read, FileShare.Read))
            {
                var header = Read(stream, 0, 64);
                if (header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
                    throw new InvalidDataException(path + ": not an ELF file");
                if (header[4] != 2 || header[5] != 1)
                    throw new InvalidDataException(path + ": only little-endian ELF64 is supported");
                long shoff = BitConverter.ToInt64(header, 0x28);
                int shentsize = BitConverter.ToUInt16(header, 0x3A);
                int shnum = BitConverter.ToUInt16(header, 0x3C);
                if (shoff == 0 || shnum == 0) throw new InvalidDataException(path + ": no section headers");
                var sections = Read(stream, shoff, shentsize * shnum);
                var result = State.Absent;
                for (int s = 0; s < shnum; s++)
                {
                    int h = s * shentsize;
                    if (BitConverter.ToUInt32(sections, h + 4) != ShtGnuVerneed) continue;
                    long offset = BitConverter.ToInt64(sections, h + 0x18);
                    long size = BitConverter.ToInt64(sections, h + 0x20);
                    int link = BitConverter.ToInt32(sections, h + 0x28);
                    int count = BitConverter.ToInt32(sections, h + 0x2C);
                    int l = link * shentsize;
                    var strings = Read(stream, BitConverter.ToInt64(sections, l + 0x18), (int)BitConverter.ToInt64(sections, l + 0x20));
                    var verneed = Read(stream, offset, (int)size);
                    int vn = 0;
                    for (int i = 0; i < count && vn < verneed.Length; i++)
                    {
                        int auxCount = BitConverter.ToUInt16(verneed, vn + 2);
                        int aux = vn + BitConverter.ToInt32(verneed, vn + 8);
                        for (int j = 0; j < auxCount && aux < verneed.Length; j++)
                        {
                            ushort flags = BitConverter.ToUInt16(verneed, aux + 4);
                            string name = CString(strings, BitConverter.ToInt32(verneed, aux + 8));
                            if (name == version)
                            {
                                bool isWeak = (flags & VerFlagWeak) != 0;
                                if (patch && isWeak != weak)
                                {
                                    var bytes = BitConverter.GetBytes((ushort)(weak ? flags | VerFlagWeak : flags & ~VerFlagWeak));
                                    stream.Position = offset + aux + 4;
                                    stream.Write(bytes, 0, 2);
                                    isWeak = weak;
                                }
                                if (!isWeak) return State.Strong;
                                result = State.Weak;
                            }
                            int next = BitConverter.ToInt32(verneed, aux + 12);
                            if (next == 0) break;
                            aux += next;
                        }
                        int nextNeed = BitConverter.ToInt32(verneed, vn + 12);
                        if (nextNeed == 0) break;
                        vn += nextNeed;
                    }
                }
                return result;
            }
        }

        private static byte[] Read(Stream stream, long offset, int count)
        {
            var buffer = new byte[count];
            stream.Position = offset;
            int done = 0;
            while (done < count)
            {
                int n = stream.Read(buffer, done, count - done);
                if (n <= 0) throw new InvalidDataException("truncated ELF file");
                done += n;
            }
            return buffer;
        }

        private static string CString(byte[] table, int start)
        {
            int end = start;
            while (end < table.Length && table[end] != 0) end++;
            return Encoding.ASCII.GetString(table, start, end - start);
        }
    }

#if !NET
    /// <summary>MSBuild task: marks <see cref="Version"/> weak in each of <see cref="Files"/> (idempotent).</summary>
    public class PatchElfWeakVersion : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; }

        public string Version { get; set; } = ElfVersionPatcher.TorchSharpVersion;

        public override bool Execute()
        {
            foreach (var item in Files)
            {
                var path = item.ItemSpec;
                if (!File.Exists(path)) continue;
                try
                {
                    if (ElfVersionPatcher.MarkWeak(path, Version))
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, "FaceNetML: marked " + Version + " weak in " + path);
                }
                catch (Exception e)
                {
                    Log.LogWarning("FaceNetML: could not patch " + path + ": " + e.Message);
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
