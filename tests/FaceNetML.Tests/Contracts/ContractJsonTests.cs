using System.Drawing;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceNetML.Cli;
using FaceNetML.Contracts;
using FaceNetML.Detection;
using FaceNetML.Recognition;
using FaceNetML.Tests.Server;

namespace FaceNetML.Tests.Contracts;

/// <summary>The contract records as JSON: rounding, which nulls are written and which left out, the same bytes under the
/// server's options and the CLI's.</summary>
[TestClass]
public sealed class ContractJsonTests
{
    private static string Server(object value) => JsonSerializer.Serialize(value, value.GetType(), ContractJson.Options);

    private static string Cli(object value) => JsonSerializer.Serialize(value, value.GetType(), CliContext.JsonOptions);

    private static readonly RectangleF Box = new(10.04f, 20.06f, 100.149f, 120.26f);

    [TestMethod]
    public void EveryNullablePropertySaysWhetherItsNullIsWritten()
    {
        var nullability = new NullabilityInfoContext();
        var silent = new List<string>();
        foreach (var record in OpenApiContractTests.ContractRecords())
            foreach (var property in record.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                bool nullable = Nullable.GetUnderlyingType(property.PropertyType) is not null
                                || (!property.PropertyType.IsValueType && nullability.Create(property).ReadState == NullabilityState.Nullable);
                var ignore = property.GetCustomAttribute<JsonIgnoreAttribute>();
                if (nullable && ignore?.Condition is not (JsonIgnoreCondition.Never or JsonIgnoreCondition.WhenWritingNull))
                    silent.Add($"{record.Name}.{property.Name}");
            }
        Assert.IsEmpty(silent, "nullable properties without [JsonIgnore(Condition = Never or WhenWritingNull)]: " + string.Join(", ", silent));
    }

    [TestMethod]
    public void AnUnknownFaceWritesItsNullPersonAndItsReason()
    {
        var unknown = IdentifiedFace.From(Box, new Identification(null, 0.41234f, 1.123456f, "Ann", null, 1.5f, "not confident: 0.41 < 0.82"));
        const string expected = """{"box":[10,20.1,100.1,120.3],"person":null,"confidence":0.4123,"distance":1.1235,"nearest":"Ann","secondNearest":null,"reason":"not confident: 0.41 < 0.82"}""";
        Assert.AreEqual(expected, Server(unknown));
        Assert.AreEqual(expected, Cli(unknown));
    }

    [TestMethod]
    public void ANamedFaceLeavesReasonOutAndAnEmptyGalleryWritesNulls()
    {
        var named = IdentifiedFace.From(Box, new Identification("Ann", 0.99f, 0.5f, "Ann", "Bob", 1.2f, "ignored when named"));
        Assert.AreEqual("""{"box":[10,20.1,100.1,120.3],"person":"Ann","confidence":0.99,"distance":0.5,"nearest":"Ann","secondNearest":"Bob"}""", Server(named));
        var nobody = IdentifiedFace.From(Box, Identification.Nobody);
        const string expected = """{"box":[10,20.1,100.1,120.3],"person":null,"confidence":0,"distance":null,"nearest":null,"secondNearest":null}""";
        Assert.AreEqual(expected, Server(nobody));
        Assert.AreEqual(expected, Cli(nobody));
    }

    [TestMethod]
    public void AnswersOfTheCliLeaveOutWhatOnlyTheServerKnows()
    {
        var face = new DetectedFace(Box, 0.999871f, [new PointF(1.26f, 2.24f)]);
        Assert.AreEqual("""{"faces":[{"box":[10,20.1,100.1,120.3],"score":0.9999,"landmarks":[[1.3,2.2]]}]}""", Cli(DetectAnswer.From([face])));
        Assert.AreEqual("""{"width":640,"height":480,"faces":[{"box":[10,20.1,100.1,120.3],"score":0.9999}]}""",
            Server(DetectAnswer.From([face with { Landmarks = null }], 640, 480)));
        Assert.AreEqual("""{"same":true,"distance":0.5793,"threshold":1.1,"model":"m"}""", Cli(VerifyAnswer.Decide(0.579251f, 1.1f, "m")));
        Assert.AreEqual("""{"same":false,"distance":1.1,"threshold":1.1,"model":"m","faces":{"a":[10,20.1,100.1,120.3],"b":[10,20.1,100.1,120.3]}}""",
            Server(VerifyAnswer.Decide(1.1f, 1.1f, "m", face, face)));
        Assert.AreEqual("""{"model":"m","results":[{"path":"a.jpg","embedding":[0.5,-0.25]},{"path":"b.png","error":"b.png: no face found"}]}""",
            Server(new EmbedAnswer("m", [EmbedRow.Embedded("a.jpg", [0.5f, -0.25f]), EmbedRow.Failed("b.png", "b.png: no face found")])));
    }

    [TestMethod]
    public void AnErrorIsOneLineWithTheCliCodeOnly()
    {
        Assert.AreEqual("""{"error":"bad 'image' + more"}""", Server(ErrorAnswer.OneLine("bad 'image'\n+ more")));
        Assert.AreEqual("""{"error":"no face found","code":3}""", Cli(new ErrorAnswer("no face found", 3)));
    }
}
