using FaceNetML.Trainers.Native;
using TorchSharp;

namespace FaceNetML.Tests.Trainers;

[TestClass]
public sealed class TorchSharpLoadTests
{
    [TestMethod]
    public void TorchSharp_loads_and_its_native_library_has_the_weak_GLIBCXX_requirement()
    {
        TorchRuntime.Initialize(1);
        using var t = torch.ones(2, 3);
        Assert.AreEqual(6f, t.sum().item<float>());
        Assert.AreEqual(1, torch.get_num_threads());
        var lib = TorchRuntime.NativeLibraryPath();
        Assert.IsNotNull(lib, "libLibTorchSharp.so not found beside the tests");
        Assert.AreEqual(ElfVersionPatcher.State.Weak, ElfVersionPatcher.Inspect(lib, ElfVersionPatcher.TorchSharpVersion));
    }

    [TestMethod]
    public void Patcher_marks_the_version_weak_changing_one_flag_and_is_idempotent()
    {
        var lib = TorchRuntime.NativeLibraryPath()!;
        var dir = TestData.TempDir("elf");
        var copy = Path.Combine(dir, "lib.so");
        File.Copy(lib, copy);
        ElfVersionPatcher.MarkStrong(copy, ElfVersionPatcher.TorchSharpVersion);
        Assert.AreEqual(ElfVersionPatcher.State.Strong, ElfVersionPatcher.Inspect(copy, ElfVersionPatcher.TorchSharpVersion));
        var before = File.ReadAllBytes(copy);

        Assert.IsTrue(ElfVersionPatcher.MarkWeak(copy, ElfVersionPatcher.TorchSharpVersion));
        var after = File.ReadAllBytes(copy);
        Assert.AreEqual(ElfVersionPatcher.State.Weak, ElfVersionPatcher.Inspect(copy, ElfVersionPatcher.TorchSharpVersion));
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        Assert.HasCount(1, changed);
        Assert.AreEqual(2, after[changed[0]] - before[changed[0]], "only VER_FLG_WEAK (0x2) is set");

        Assert.IsFalse(ElfVersionPatcher.MarkWeak(copy, ElfVersionPatcher.TorchSharpVersion), "second run changes nothing");
        CollectionAssert.AreEqual(after, File.ReadAllBytes(copy));
        Assert.AreEqual(ElfVersionPatcher.State.Absent, ElfVersionPatcher.Inspect(copy, "GLIBCXX_99.0"));
        Directory.Delete(dir, true);
    }
}
