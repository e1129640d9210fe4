using FaceNetML.Models;
using FaceNetML.Models.Onnx;
using FaceNetML.Models.TfLite;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceNetML.Tests.Models;

/// <summary>The converted ONNX models compute what the TFLite originals compute (reference outputs from an independent TFLite runtime).</summary>
[TestClass]
public sealed class TfLiteToOnnxConverterTests
{
    private const float Tolerance = 1e-4f;

    [TestMethod]
    public void PNetMatchesTfLiteReference() =>
        AssertMatches("mtcnn-pnet", "pnet.input.f32", [1, 240, 320, 3], dynamicSpatial: true,
            ("prob1", "pnet.prob1.f32"), ("conv4-2", "pnet.conv4-2.f32"));

    [TestMethod]
    public void RNetMatchesTfLiteReference() =>
        AssertMatches("mtcnn-rnet", "rnet.input.f32", [1, 24, 24, 3], dynamicSpatial: false,
            ("prob1", "rnet.rnet_prob1.f32"), ("conv5-2", "rnet.rnet_conv5-2_conv5-2.f32"));

    [TestMethod]
    public void ONetMatchesTfLiteReference() =>
        AssertMatches("mtcnn-onet", "onet.input.f32", [1, 48, 48, 3], dynamicSpatial: false,
            ("prob1", "onet.onet_prob1.f32"), ("conv6-2", "onet.onet_conv6-2_conv6-2.f32"), ("conv6-3", "onet.onet_conv6-3_conv6-3.f32"));

    [TestMethod]
    public void MobileFaceNetMatchesTfLiteReference() =>
        AssertMatches("mobilefacenet", "mobilefacenet.input.f32", [2, 112, 112, 3], dynamicSpatial: false,
            ("embeddings", "mobilefacenet.embeddings.f32"));

    [TestMethod]
    public void MobileFaceNetBatchIsDynamic()
    {
        var model = TfLiteReader.Read(TestModels.TfLite("mobilefacenet"), "MobileFaceNet.tflite");
        var onnx = TfLiteToOnnxConverter.ConvertToBytes(model, new OnnxConversionOptions());
        var input = ReadF32("mobilefacenet.input.f32");
        using var session = new InferenceSession(onnx);
        foreach (var batch in new[] { 1, 3 })
        {
            var data = new float[batch * 112 * 112 * 3];
            for (int i = 0; i < data.Length; i++) data[i] = input[i % input.Length];
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), new DenseTensor<float>(data, [batch, 112, 112, 3]))]);
            CollectionAssert.AreEqual(new[] { batch, 192 }, results.First().AsTensor<float>().Dimensions.ToArray());
        }
    }

    [TestMethod]
    public void ReaderSeesTheExpectedGraphs()
    {
        var pnet = TfLiteReader.Read(TestModels.TfLite("mtcnn-pnet"), "pnet.tflite");
        Assert.AreEqual(1, pnet.Inputs.Length);
        CollectionAssert.AreEqual(new[] { 1, 1280, 960, 3 }, pnet.Tensors[pnet.Inputs[0]].Shape);
        Assert.AreEqual(2, pnet.Outputs.Length);
        var mfn = TfLiteReader.Read(TestModels.TfLite("mobilefacenet"), "MobileFaceNet.tflite");
        Assert.IsTrue(mfn.Operators.Any(o => o.Code == TfLiteOperatorCode.DepthwiseConv2D));
        Assert.IsTrue(mfn.Operators.Any(o => o.Code == TfLiteOperatorCode.Reshape));
    }

    private static void AssertMatches(string modelName, string inputFile, int[] inputShape, bool dynamicSpatial, params (string OutputSubstring, string ExpectedFile)[] outputs)
    {
        var model = TfLiteReader.Read(TestModels.TfLite(modelName), modelName);
        var onnx = TfLiteToOnnxConverter.ConvertToBytes(model, new OnnxConversionOptions { DynamicSpatial = dynamicSpatial, GraphName = modelName });
        using var session = new InferenceSession(onnx);
        var input = ReadF32(inputFile);
        var inputName = session.InputMetadata.Keys.Single();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input, inputShape))]);
        foreach (var (sub, expectedFile) in outputs)
        {
            var result = results.Single(r => r.Name.Contains(sub));
            var actual = result.AsTensor<float>().ToArray();
            var expected = ReadF32(expectedFile);
            Assert.AreEqual(expected.Length, actual.Length, $"{modelName} {result.Name}: element count");
            float maxError = 0;
            for (int i = 0; i < expected.Length; i++) maxError = Math.Max(maxError, Math.Abs(expected[i] - actual[i]));
            Assert.IsTrue(maxError <= Tolerance, $"{modelName} {result.Name}: max abs error {maxError} > {Tolerance}");
        }
    }

    internal static float[] ReadF32(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.TfLiteVectors, file));
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}


[TestClass]
public sealed class PReluRewriteTests
{
    /// <summary>The PReLU rewrite replaces every element-wise PReLU and computes the same function (the reference-vector
    /// tests above run with the rewrite on; this compares rewritten and literal graphs on random input).</summary>
    [TestMethod]
    [DataRow("mtcnn-pnet", 3)]
    [DataRow("mtcnn-rnet", 3)]
    [DataRow("mtcnn-onet", 4)]
    [DataRow("mobilefacenet", 30)]
    public void RewrittenPReluMatchesTheLiteralGraph(string modelName, int atLeast)
    {
        var model = TfLiteReader.Read(TestModels.TfLite(modelName), modelName);
        bool spatial = modelName == "mtcnn-pnet";
        var rewritten = TfLiteToOnnxConverter.Convert(model, new OnnxConversionOptions { DynamicSpatial = spatial });
        var literal = TfLiteToOnnxConverter.Convert(model, new OnnxConversionOptions { DynamicSpatial = spatial, RewritePRelu = false });
        int abs = literal.Graph.Node.Count(n => n.OpType is "Abs" or "Neg");
        Assert.IsTrue(abs >= atLeast, $"{modelName}: literal graph has {abs} Abs/Neg nodes");
        // Every PReLU on a 4-D (NHWC) tensor is rewritten; R/O-Net's PReLUs after their fully-connected layers stay literal.
        int left = rewritten.Graph.Node.Count(n => n.OpType is "Abs" or "Neg");
        if (modelName is "mtcnn-pnet" or "mobilefacenet") Assert.AreEqual(0, left, "every PReLU is rewritten");
        else Assert.IsTrue(left < abs, $"{left} of {abs} Abs/Neg nodes left");

        var shape = model.Tensors[model.Inputs[0]].Shape.ToArray();
        if (spatial) { shape[1] = 60; shape[2] = 48; }
        var random = new Random(7);
        var data = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        using var a = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(rewritten));
        using var b = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(literal));
        var name = a.InputMetadata.Keys.Single();
        using var ra = a.Run([NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(data, shape))]);
        using var rb = b.Run([NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(data, shape))]);
        foreach (var (x, y) in ra.Zip(rb))
        {
            var xs = x.AsTensor<float>().ToArray();
            var ys = y.AsTensor<float>().ToArray();
            float max = 0;
            for (int i = 0; i < xs.Length; i++) max = Math.Max(max, Math.Abs(xs[i] - ys[i]));
            Assert.IsTrue(max <= 1e-4f, $"{modelName} {x.Name}: max abs difference {max}");
        }
    }
}
