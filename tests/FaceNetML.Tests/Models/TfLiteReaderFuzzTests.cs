using FaceNetML.Models.Onnx;
using FaceNetML.Models.TfLite;

namespace FaceNetML.Tests.Models;

/// <summary>Damaged .tflite files must give a clear one-line error, never a crash or a hang.</summary>
[TestClass]
public sealed class TfLiteReaderFuzzTests
{
    [TestMethod]
    public void TruncatedFilesGiveBadInput()
    {
        var bytes = TestModels.TfLite("mtcnn-rnet");
        foreach (var length in new[] { 0, 3, 7, 8, 16, 100, 1000, bytes.Length / 2, bytes.Length * 9 / 10 })
            AssertCleanFailureOrModel(bytes[..length], $"truncated to {length}", mustFail: true);
        // The last bytes may be alignment padding: losing them must parse or fail cleanly.
        AssertCleanFailureOrModel(bytes[..^1], "truncated by one byte", mustFail: false);
    }

    [TestMethod]
    public void NotATfLiteFileGivesBadInput()
    {
        var error = Assert.ThrowsExactly<BadInputException>(() => TfLiteReader.Read("hello, I am text\n"u8.ToArray(), "notes.txt"));
        StringAssert.Contains(error.Message, "notes.txt");
        StringAssert.Contains(error.Message, "TFL3");
    }

    [TestMethod]
    public void RandomlyMutatedFilesNeverCrash()
    {
        var original = TestModels.TfLite("mtcnn-onet");
        var random = new Random(1234);
        int failures = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            var bytes = (byte[])original.Clone();
            int mutations = 1 + random.Next(8);
            for (int m = 0; m < mutations; m++)
            {
                // Aim most mutations at the first 4 KB, where the tables and offsets live; weights are inert data.
                int pos = random.Next(4) == 0 ? random.Next(bytes.Length) : random.Next(Math.Min(4096, bytes.Length));
                bytes[pos] = (byte)random.Next(256);
            }
            if (!AssertCleanFailureOrModel(bytes, $"trial {trial}", mustFail: false)) failures++;
        }
        Assert.IsTrue(failures > 0, "some mutations should have been detected");
    }

    /// <summary>Returns true when the bytes still parse (and convert) to a model.</summary>
    private static bool AssertCleanFailureOrModel(byte[] bytes, string what, bool mustFail)
    {
        try
        {
            var model = TfLiteReader.Read(bytes, "m.tflite");
            TfLiteToOnnxConverter.ConvertToBytes(model, new OnnxConversionOptions());
            if (mustFail) Assert.Fail($"{what}: parsed without error");
            return true;
        }
        catch (BadInputException e)
        {
            Assert.IsFalse(e.Message.Contains('\n'), $"{what}: multi-line message");
            StringAssert.Contains(e.Message, "m.tflite");
            return false;
        }
    }
}
