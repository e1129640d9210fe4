using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceNetML.Contracts;
using FaceNetML.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace FaceNetML.Tests.Server;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) against the contract records of <see cref="FaceNetML.Contracts"/>:
/// each record has a schema with its JSON property names, each endpoint's 200 answer references its record's schema
/// and each error status <see cref="ErrorAnswer"/>, and the answers the server really gives fit the schemas they are
/// declared with (so an endpoint that went back to an anonymous object, with other fields or no declaration, fails here).
/// </summary>
[TestClass]
public sealed class OpenApiContractTests
{
    private const string SchemaPrefix = "#/components/schemas/";

    /// <summary>Every endpoint of the document and the record its 200 answer is.</summary>
    private static readonly Dictionary<(string Path, string Method), Type> Answers = new()
    {
        [("/health", "get")] = typeof(HealthAnswer),
        [("/v1/verify", "post")] = typeof(VerifyAnswer),
        [("/v1/detect", "post")] = typeof(DetectAnswer),
        [("/v1/embed", "post")] = typeof(EmbedAnswer),
        [("/v1/identify", "post")] = typeof(IdentifyAnswer),
        [("/v1/people", "get")] = typeof(PeopleAnswer),
        [("/v1/people/{name}", "post")] = typeof(EnrolAnswer),
        [("/v1/people/{name}", "delete")] = typeof(PersonRemovedAnswer),
        [("/v1/people/{name}", "get")] = typeof(PersonAnswer),
        [("/v1/people/{name}/faces/{id}", "delete")] = typeof(PersonAnswer),
        [("/v1/people/{name}/rename", "post")] = typeof(PersonAnswer),
        [("/v1/people/{name}/merge", "post")] = typeof(PersonAnswer),
        [("/v1/videos", "post")] = typeof(VideoJobAccepted),
        [("/v1/videos", "get")] = typeof(VideoJobsAnswer),
        [("/v1/videos/{id}", "get")] = typeof(VideoJobAnswer),
        [("/v1/videos/{id}", "delete")] = typeof(VideoJobDeletedAnswer),
        [("/v1/streams", "post")] = typeof(StreamSummary),
        [("/v1/streams", "get")] = typeof(StreamsAnswer),
        [("/v1/streams/{name}", "delete")] = typeof(StreamSummary),
    };

    /// <summary>Endpoints whose 200 answer is a stream of server-sent events, and the record each event's data is.</summary>
    private static readonly Dictionary<(string Path, string Method), Type> EventStreams = new()
    {
        [("/v1/events", "get")] = typeof(StreamEventMessage),
    };

    /// <summary>Endpoints that answer 202 (a job accepted) rather than 200.</summary>
    private static readonly HashSet<(string Path, string Method)> Accepted = [("/v1/videos", "post")];

    /// <summary>Endpoints whose 200 answer is an image, not JSON.</summary>
    private static readonly Dictionary<(string Path, string Method), string> Images = new()
    {
        [("/v1/people/{name}/faces/{id}/thumbnail", "get")] = "image/jpeg",
        [("/v1/videos/{id}/frames.csv", "get")] = "text/csv",
        [("/v1/videos/{id}/annotated.mp4", "get")] = "video/mp4",
        [("/v1/videos/{id}/faces/{segment}.jpg", "get")] = "image/jpeg",
        [("/v1/streams/{name}/crops/{file}", "get")] = "image/jpeg",
    };

    private sealed class Factory(FaceService service) : WebApplicationFactory<OpenApiContractTests>
    {
        protected override IHostBuilder CreateHostBuilder() => new HostBuilder().ConfigureWebHost(web => web
            .UseContentRoot(AppContext.BaseDirectory)
            .ConfigureServices(s => FaceServer.AddServices(s, service))
            .Configure(app => FaceServer.Configure(app, service)));
    }

    private static FaceService _service = null!;
    private static Factory _factory = null!;
    private static JsonElement _document;

    [ClassInitialize]
    public static async Task Start(TestContext _)
    {
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_FACENETML_TESTS", AppContext.BaseDirectory);
        _service = new FaceService(new FaceServerOptions(), ServerHost.Pipeline); // an empty gallery in memory
        _factory = new Factory(_service);
        using var http = _factory.CreateClient();
        _document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json")).RootElement.Clone();
    }

    [ClassCleanup]
    public static void Stop()
    {
        _factory.Dispose();
        _service.Dispose();
    }

    /// <summary>The public records of FaceNetML.Contracts (not its static classes).</summary>
    internal static IReadOnlyList<Type> ContractRecords() =>
    [
        .. typeof(ErrorAnswer).Assembly.GetTypes()
            .Where(t => t.IsPublic && t.IsClass && !(t.IsAbstract && t.IsSealed) && t.Namespace == typeof(ErrorAnswer).Namespace)
            .OrderBy(t => t.Name, StringComparer.Ordinal),
    ];

    /// <summary>The JSON names of a record's properties, read by reflection with the answers' naming policy.</summary>
    private static SortedSet<string> JsonNames(Type record) =>
    [
        .. record.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always })
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? ContractJson.Options.PropertyNamingPolicy!.ConvertName(p.Name)),
    ];

    private static JsonElement Schemas => _document.GetProperty("components").GetProperty("schemas");

    /// <summary>Records only the command line answers with (<c>facenetml detect</c> over several images): the server has
    /// no such answer, so its document has no schema for them.</summary>
    private static readonly Type[] CliOnly = [typeof(DetectManyAnswer), typeof(DetectRow)];

    [TestMethod]
    public void EveryContractRecordHasASchemaWithItsJsonPropertyNames()
    {
        var records = ContractRecords();
        Assert.IsTrue(records.Count >= 13, $"sanity: the contract records are found ({records.Count})");
        foreach (var record in CliOnly)
        {
            CollectionAssert.Contains(records.ToList(), record, "a record of the command line's answers");
            Assert.IsFalse(Schemas.TryGetProperty(record.Name, out _), $"{record.Name} is in the server's document: take it off the list of the command line's records");
        }
        foreach (var record in records.Except(CliOnly))
        {
            Assert.IsTrue(Schemas.TryGetProperty(record.Name, out var schema), $"no schema {record.Name} in the OpenAPI document");
            var names = new SortedSet<string>(schema.GetProperty("properties").EnumerateObject().Select(p => p.Name), StringComparer.Ordinal);
            var expected = JsonNames(record);
            Assert.IsTrue(expected.SetEquals(names), $"{record.Name}: the record writes {string.Join(", ", expected)}; its schema has {string.Join(", ", names)}");
        }
    }

    [TestMethod]
    public void EveryEndpointAnswersWithItsContractSchema()
    {
        var operations = new List<(string Path, string Method)>();
        foreach (var path in _document.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject())
            {
                operations.Add((path.Name, operation.Name));
                var responses = operation.Value.GetProperty("responses");
                var success = Accepted.Contains((path.Name, operation.Name)) ? "202" : "200";
                if (Images.TryGetValue((path.Name, operation.Name), out var mediaType))
                    Assert.IsTrue(responses.GetProperty("200").GetProperty("content").TryGetProperty(mediaType, out _), $"{operation.Name} {path.Name}: the 200 answer is {mediaType}");
                else if (EventStreams.TryGetValue((path.Name, operation.Name), out var item))
                    Assert.AreEqual(SchemaPrefix + item.Name, JsonRef(responses, "200", "text/event-stream"), $"{operation.Name} {path.Name}: the events");
                else
                {
                    Assert.IsTrue(Answers.TryGetValue((path.Name, operation.Name), out var answer),
                        $"{operation.Name} {path.Name} is in the document but not in this test's table of answers");
                    Assert.AreEqual(SchemaPrefix + answer.Name, JsonRef(responses, success), $"{operation.Name} {path.Name}: the {success} answer");
                }
                foreach (var response in responses.EnumerateObject().Where(r => r.Name != success))
                    Assert.AreEqual(SchemaPrefix + nameof(ErrorAnswer), JsonRef(responses, response.Name), $"{operation.Name} {path.Name}: the {response.Name} answer");
                if (path.Name.StartsWith("/v1/", StringComparison.Ordinal))
                    Assert.IsTrue(responses.TryGetProperty("401", out _), $"{operation.Name} {path.Name}: declares the 401 of a missing API key");
            }
        CollectionAssert.AreEquivalent(Answers.Keys.Concat(Images.Keys).Concat(EventStreams.Keys).ToList(), operations, "the endpoints of the document");
    }

    /// <summary>The schema reference of a response's JSON body (or of the items of another media type), or a line saying
    /// what is there instead.</summary>
    private static string JsonRef(JsonElement responses, string status, string mediaType = "application/json") =>
        !responses.TryGetProperty(status, out var response) ? $"(no {status} response)"
        : !response.TryGetProperty("content", out var content) || !content.TryGetProperty(mediaType, out var json) ? $"(no {mediaType} body: {response})"
        : json.TryGetProperty("schema", out var schema) && schema.TryGetProperty("$ref", out var reference) ? reference.GetString()!
        : $"(no schema reference: {json})";

    [TestMethod]
    public void EverySchemaExampleFitsItsSchema()
    {
        int examples = 0;
        foreach (var schema in Schemas.EnumerateObject())
            if (schema.Value.TryGetProperty("examples", out var list))
                foreach (var example in list.EnumerateArray())
                {
                    AssertFits(example, schema.Value, $"example of {schema.Name}");
                    examples++;
                }
        Assert.AreEqual(Answers.Values.Concat(EventStreams.Values).Distinct().Count() + 1, examples, "one example per answer and event, and one for the error");
    }

    [TestMethod]
    public async Task EveryAnswerFitsTheSchemaItsEndpointDeclares()
    {
        using var http = _factory.CreateClient();
        var seen = new HashSet<(string, string)>();

        async Task Check(HttpMethod method, string url, string path, HttpContent? body, int expectedStatus)
        {
            var response = await http.SendAsync(new HttpRequestMessage(method, url) { Content = body });
            var (status, answer) = await ServerHost.Read(response);
            Assert.AreEqual(expectedStatus, status, $"{method} {url}: {answer}");
            var operation = _document.GetProperty("paths").GetProperty(path).GetProperty(method.Method.ToLowerInvariant());
            var responses = operation.GetProperty("responses");
            Assert.IsTrue(responses.TryGetProperty(status.ToString(), out _), $"{method} {path} answered {status}, which it does not declare");
            var reference = JsonRef(responses, status.ToString());
            AssertFits(answer, Resolve(reference), $"{method} {url} ({status})");
            seen.Add((path, method.Method.ToLowerInvariant()));
        }

        var twoPeople = ServerHost.Photo("image", "two_people.jpg");
        var blank = ("image", "blank.png", ServerHost.BlankPng());
        await Check(HttpMethod.Get, "/health", "/health", null, 200);
        await Check(HttpMethod.Post, "/v1/verify", "/v1/verify", ServerHost.Form(ServerHost.Photo("a", "obama.jpg"), ServerHost.Photo("b", "obama2.jpg")), 200);
        await Check(HttpMethod.Post, "/v1/verify", "/v1/verify", ServerHost.Form(ServerHost.Photo("a", "obama.jpg")), 400);
        await Check(HttpMethod.Post, "/v1/detect", "/v1/detect", ServerHost.Form(twoPeople), 200);
        await Check(HttpMethod.Post, "/v1/detect", "/v1/detect", ServerHost.Form(("image", "notes.jpg", "not an image"u8.ToArray())), 415);
        await Check(HttpMethod.Post, "/v1/embed", "/v1/embed", ServerHost.Form(ServerHost.Photo("image", "obama.jpg"), blank), 200);
        await Check(HttpMethod.Post, "/v1/embed", "/v1/embed", ServerHost.Form(blank), 422);
        // An empty gallery: every face unknown, with its nulls written.
        await Check(HttpMethod.Post, "/v1/identify", "/v1/identify", ServerHost.Form(twoPeople), 200);
        await Check(HttpMethod.Post, "/v1/people/Barack%20Obama", "/v1/people/{name}", ServerHost.Form(ServerHost.Photo("image", "obama.jpg"), blank), 200);
        await Check(HttpMethod.Post, "/v1/people/Joe%20Biden", "/v1/people/{name}", ServerHost.Form(ServerHost.Photo("image", "biden.jpg")), 200);
        await Check(HttpMethod.Get, "/v1/people", "/v1/people", null, 200);
        await Check(HttpMethod.Get, "/v1/people/Barack%20Obama", "/v1/people/{name}", null, 200);
        await Check(HttpMethod.Get, "/v1/people/Nobody", "/v1/people/{name}", null, 404);
        await Check(HttpMethod.Post, "/v1/people/Barack%20Obama/rename", "/v1/people/{name}/rename", JsonContent.Create(new { to = "Joe Biden" }), 409);
        await Check(HttpMethod.Post, "/v1/people/Barack%20Obama/rename", "/v1/people/{name}/rename", JsonContent.Create(new { to = "Obama" }), 200);
        await Check(HttpMethod.Post, "/v1/people/Obama/merge", "/v1/people/{name}/merge", JsonContent.Create(new { into = "Nobody" }), 404);
        await Check(HttpMethod.Post, "/v1/people/Obama/merge", "/v1/people/{name}/merge", new StringContent("into"), 415);
        await Check(HttpMethod.Delete, "/v1/people/Obama/faces/0123456789abcdef", "/v1/people/{name}/faces/{id}", null, 404);
        var (_, obama) = await ServerHost.Read(await http.GetAsync("/v1/people/Obama"));
        var face = obama.GetProperty("faces")[0];
        var thumbnail = await http.GetAsync(face.GetProperty("thumbnail").GetString());
        Assert.AreEqual("image/jpeg", thumbnail.Content.Headers.ContentType?.MediaType);
        seen.Add(("/v1/people/{name}/faces/{id}/thumbnail", "get"));
        await Check(HttpMethod.Post, "/v1/people/Obama/merge", "/v1/people/{name}/merge", JsonContent.Create(new { into = "Joe Biden" }), 200);
        await Check(HttpMethod.Delete, $"/v1/people/Joe%20Biden/faces/{face.GetProperty("id").GetString()}", "/v1/people/{name}/faces/{id}", null, 200);
        // Two people enrolled: named faces (no reason) and an unknown one (with its reason).
        await Check(HttpMethod.Post, "/v1/identify", "/v1/identify", ServerHost.Form(twoPeople), 200);
        await Check(HttpMethod.Post, "/v1/identify", "/v1/identify", ServerHost.Form(ServerHost.Photo("image", "lin-manuel-miranda.png")), 200);
        await Check(HttpMethod.Delete, "/v1/people/Joe%20Biden", "/v1/people/{name}", null, 200);
        await Check(HttpMethod.Delete, "/v1/people/Joe%20Biden", "/v1/people/{name}", null, 404);

        // A video job of a ytf-dev clip whose person is enrolled: accepted, polled, its files, deleted.
        await VideoJobClient.EnrolAsync(http);
        await Check(HttpMethod.Post, "/v1/videos", "/v1/videos", VideoJobClient.Form(File.ReadAllBytes(VideoJobClient.ClipPath()), VideoJobClient.Clip, every: 4), 202);
        await Check(HttpMethod.Post, "/v1/videos", "/v1/videos", VideoJobClient.Form("not a video"u8.ToArray(), "notes.mp4"), 415);
        var (_, jobs) = await ServerHost.Read(await http.GetAsync("/v1/videos"));
        var id = jobs.GetProperty("jobs")[0].GetProperty("id").GetString()!;
        await Check(HttpMethod.Get, $"/v1/videos/{id}", "/v1/videos/{id}", null, 200);
        var job = await VideoJobClient.PollAsync(http, id);
        Assert.AreEqual("done", job.GetProperty("status").GetString(), job.ToString());
        await Check(HttpMethod.Get, $"/v1/videos/{id}", "/v1/videos/{id}", null, 200);
        await Check(HttpMethod.Get, "/v1/videos", "/v1/videos", null, 200);
        await Check(HttpMethod.Get, "/v1/videos/0123456789abcdef0123456789abcdef", "/v1/videos/{id}", null, 404);
        async Task Fetch(string url, string path, string mediaType)
        {
            var response = await http.GetAsync(url);
            Assert.AreEqual(200, (int)response.StatusCode, url);
            Assert.AreEqual(mediaType, response.Content.Headers.ContentType?.MediaType, url);
            seen.Add((path, "get"));
        }
        await Fetch(job.GetProperty("links").GetProperty("frames").GetString()!, "/v1/videos/{id}/frames.csv", "text/csv");
        await Fetch(job.GetProperty("links").GetProperty("annotated").GetString()!, "/v1/videos/{id}/annotated.mp4", "video/mp4");
        await Fetch(job.GetProperty("result").GetProperty("segments")[0].GetProperty("bestFace").GetString()!, "/v1/videos/{id}/faces/{segment}.jpg", "image/jpeg");
        await Check(HttpMethod.Delete, $"/v1/videos/{id}", "/v1/videos/{id}", null, 200);
        await Check(HttpMethod.Delete, $"/v1/videos/{id}", "/v1/videos/{id}", null, 404);
        // Streams: a UDP source nobody sends to yet (connecting), refusals, and the event stream's headers.
        using (var events = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/events"), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.AreEqual(200, (int)events.StatusCode);
            Assert.AreEqual("text/event-stream", events.Content.Headers.ContentType?.MediaType);
            seen.Add(("/v1/events", "get"));
        }
        await Check(HttpMethod.Post, "/v1/streams", "/v1/streams", JsonContent.Create(new { url = "ftp://example.com/cam", name = "door" }), 422);
        var udp = FaceNetML.Tests.Video.StreamSender.Url(FaceNetML.Tests.Video.StreamSender.FreeUdpPort());
        await Check(HttpMethod.Post, "/v1/streams", "/v1/streams", JsonContent.Create(new { url = udp, name = "a b" }), 400);
        await Check(HttpMethod.Post, "/v1/streams", "/v1/streams", JsonContent.Create(new { url = udp, name = "door" }), 200);
        await Check(HttpMethod.Post, "/v1/streams", "/v1/streams", JsonContent.Create(new { url = udp, name = "door" }), 409);
        await Check(HttpMethod.Get, "/v1/streams", "/v1/streams", null, 200);
        await Check(HttpMethod.Get, "/v1/streams/door/crops/20261205T060050123-t3.jpg", "/v1/streams/{name}/crops/{file}", null, 404);
        await Check(HttpMethod.Delete, "/v1/streams/door", "/v1/streams/{name}", null, 200);
        await Check(HttpMethod.Delete, "/v1/streams/door", "/v1/streams/{name}", null, 404);
        await Check(HttpMethod.Get, "/health", "/health", null, 200);
        CollectionAssert.AreEquivalent(Answers.Keys.Concat(Images.Keys).Concat(EventStreams.Keys).ToList(), seen.ToList(), "every endpoint was called");
    }

    private static JsonElement Resolve(string reference)
    {
        StringAssert.StartsWith(reference, SchemaPrefix);
        return Schemas.GetProperty(reference[SchemaPrefix.Length..]);
    }

    /// <summary>
    /// Asserts that <paramref name="value"/> fits <paramref name="schema"/> as far as the answers' schemas go: <c>$ref</c>,
    /// <c>oneOf</c>/<c>anyOf</c>, <c>type</c> (one or several, <c>null</c> included), an object's <c>properties</c> (no
    /// other property; a schema without <c>properties</c>, as one made of <c>oneOf</c>, leaves that to its choices) and
    /// <c>required</c>, an array's <c>items</c>.
    /// </summary>
    private static void AssertFits(JsonElement value, JsonElement schema, string where)
    {
        var problem = Misfit(value, schema, "$");
        Assert.IsNull(problem, $"{where}: {problem}\n{value}");
    }

    private static string? Misfit(JsonElement value, JsonElement schema, string at)
    {
        if (schema.TryGetProperty("$ref", out var reference)) return Misfit(value, Resolve(reference.GetString()!), at);
        foreach (var keyword in new[] { "oneOf", "anyOf" })
            if (schema.TryGetProperty(keyword, out var choices))
            {
                var misfits = choices.EnumerateArray().Select(c => Misfit(value, c, at)).ToList();
                if (misfits.All(m => m is not null)) return $"{at} fits none of {keyword}: {string.Join("; ", misfits)}";
            }
        if (schema.TryGetProperty("type", out var type))
        {
            string[] types = type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString()!)] : [type.GetString()!];
            var kind = value.ValueKind switch
            {
                JsonValueKind.Object => "object",
                JsonValueKind.Array => "array",
                JsonValueKind.String => "string",
                JsonValueKind.Number => value.TryGetInt64(out _) && types.Contains("integer") ? "integer" : "number",
                JsonValueKind.True or JsonValueKind.False => "boolean",
                _ => "null",
            };
            if (!types.Contains(kind)) return $"{at} is {kind}, the schema says {string.Join(" or ", types)}";
        }
        if (value.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var properties))
        {
            foreach (var property in value.EnumerateObject())
            {
                if (!properties.TryGetProperty(property.Name, out var propertySchema))
                    return $"{at}.{property.Name} is not in the schema";
                if (Misfit(property.Value, propertySchema, $"{at}.{property.Name}") is { } inner) return inner;
            }
            if (schema.TryGetProperty("required", out var required))
                foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                    if (!value.TryGetProperty(name, out _)) return $"{at}.{name} is required but missing";
        }
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            int i = 0;
            foreach (var item in value.EnumerateArray())
                if (Misfit(item, items, $"{at}[{i++}]") is { } inner) return inner;
        }
        return null;
    }
}
