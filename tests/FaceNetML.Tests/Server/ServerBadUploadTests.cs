using System.Net.Http.Headers;
using System.Text;
using FaceNetML.Server;
using FaceNetML.Tests.HostileInput;

namespace FaceNetML.Tests.Server;

/// <summary>Bad uploads: each gets its 4xx with a one-line JSON error, and the server keeps serving (/health, then a good verify).</summary>
[TestClass]
public sealed class ServerBadUploadTests
{
    private static FaceServer _server = null!;
    private static HttpClient _http = null!;

    [ClassInitialize]
    public static async Task Start(TestContext _)
    {
        _server = await ServerHost.StartAsync(new FaceServerOptions { MaxBodyBytes = 32_000_000 });
        _http = ServerHost.Client(_server);
    }

    [ClassCleanup]
    public static async Task Stop()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [TestCleanup]
    public async Task ServerStillServes()
    {
        await ServerHost.AssertHealthy(_http);
        var (status, body) = await ServerHost.Read(await _http.PostAsync("/v1/verify", ServerHost.Form(ServerHost.Photo("a", "obama.jpg"), ServerHost.Photo("b", "obama2.jpg"))));
        Assert.AreEqual(200, status, body.ToString());
    }

    [TestMethod]
    [DataRow("truncated.jpg", 415, "corrupt or truncated")]
    [DataRow("notes.jpg", 415, "not a supported image")]
    [DataRow("empty.jpg", 415, "zero-byte")]
    [DataRow("bomb.png", 413, "image too large")]
    public async Task AHostileImageGetsItsStatus(string file, int status, string phrase)
    {
        var bytes = File.ReadAllBytes(HostileFiles.Path(file));
        await ServerHost.AssertError(await _http.PostAsync("/v1/verify", ServerHost.Form(("a", file, bytes), ServerHost.Photo("b", "obama2.jpg"))), status, phrase);
        await ServerHost.AssertError(await _http.PostAsync("/v1/identify", ServerHost.Form(("image", file, bytes))), status, phrase);
    }

    [TestMethod]
    public async Task APhotoWithoutAFaceGets422()
    {
        await ServerHost.AssertError(await _http.PostAsync("/v1/verify", ServerHost.Form(("a", "blank.png", ServerHost.BlankPng()), ServerHost.Photo("b", "obama2.jpg"))), 422, "no face found");
    }

    [TestMethod]
    public async Task A100MegabyteBodyGets413()
    {
        var big = new byte[100_000_000];
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/verify") { Content = ServerHost.Form(("a", "big.jpg", big), ServerHost.Photo("b", "obama2.jpg")) };
        request.Headers.ExpectContinue = true;
        // The answer comes before any of the body is sent; on a loaded machine it may take longer than HttpClient's
        // 1 s default wait for "100 Continue", after which it would start sending the 100 MB.
        using var http = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(2) }) { BaseAddress = _server.Address };
        await ServerHost.AssertError(await http.SendAsync(request), 413, "request body too large");
    }

    /// <summary>A chunked body has no length to refuse up front: the server reads up to its limit, answers 413 and
    /// closes. HttpClient reports the closed connection of its unfinished upload rather than the answer, so this test
    /// speaks HTTP/1.1 on a socket, reading the answer while it writes.</summary>
    [TestMethod]
    public async Task A100MegabyteChunkedBodyWithoutALengthGets413()
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(_server.Address.Host, _server.Address.Port);
        var stream = tcp.GetStream();
        var answer = new MemoryStream();
        var reader = Task.Run(async () =>
        {
            var buffer = new byte[8192];
            try
            {
                int n;
                while ((n = await stream.ReadAsync(buffer)) > 0) answer.Write(buffer, 0, n);
            }
            catch (IOException) { }
        });
        const string boundary = "XYZ";
        var head = Encoding.ASCII.GetBytes($"POST /v1/verify HTTP/1.1\r\nHost: {_server.Address.Authority}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nTransfer-Encoding: chunked\r\n\r\n");
        var part = Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"a\"; filename=\"big.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n");
        try
        {
            await stream.WriteAsync(head);
            await WriteChunk(stream, part);
            var megabyte = new byte[1 << 20];
            for (int i = 0; i < 100 && answer.Length == 0 && !reader.IsCompleted; i++) await WriteChunk(stream, megabyte);
        }
        catch (IOException) { } // the server closed the connection after answering
        tcp.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        await reader.WaitAsync(TimeSpan.FromMinutes(1));
        var text = Encoding.UTF8.GetString(answer.ToArray());
        StringAssert.StartsWith(text, "HTTP/1.1 413");
        var body = System.Text.Json.JsonDocument.Parse(text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]).RootElement;
        StringAssert.Contains(body.GetProperty("error").GetString(), "request body too large");
    }

    private static async Task WriteChunk(Stream stream, byte[] data)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{data.Length:X}\r\n"));
        await stream.WriteAsync(data);
        await stream.WriteAsync("\r\n"u8.ToArray());
    }

    [TestMethod]
    public async Task AMissingFieldGets400()
    {
        await ServerHost.AssertError(await _http.PostAsync("/v1/verify", ServerHost.Form(ServerHost.Photo("a", "obama.jpg"))), 400, "missing file field 'b'");
        await ServerHost.AssertError(await _http.PostAsync("/v1/detect", ServerHost.Form(ServerHost.Photo("photo", "obama.jpg"))), 400, "missing file field 'image'");
    }

    [TestMethod]
    public async Task AWrongContentTypeGets415()
    {
        await ServerHost.AssertError(await _http.PostAsync("/v1/verify", new StringContent("{\"a\":\"obama.jpg\"}", Encoding.UTF8, "application/json")), 415, "multipart/form-data");
        var raw = new ByteArrayContent(File.ReadAllBytes(TestData.Photo("obama.jpg")));
        raw.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        await ServerHost.AssertError(await _http.PostAsync("/v1/detect", raw), 415, "multipart/form-data");
    }

    [TestMethod]
    public async Task ATruncatedMultipartBodyGets400()
    {
        var photo = File.ReadAllBytes(TestData.Photo("obama.jpg"));
        var head = Encoding.ASCII.GetBytes("--XYZ\r\nContent-Disposition: form-data; name=\"a\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n");
        var content = new ByteArrayContent([.. head, .. photo.AsSpan(0, photo.Length / 2)]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=XYZ");
        await ServerHost.AssertError(await _http.PostAsync("/v1/verify", content), 400, "truncated");
    }

    [TestMethod]
    public async Task AnUnknownPathOrMethodIsAJsonError()
    {
        await ServerHost.AssertError(await _http.GetAsync("/v1/nothing"), 404, "no such endpoint");
        await ServerHost.AssertError(await _http.GetAsync("/v1/verify"), 405, "not allowed");
        await ServerHost.AssertError(await _http.PostAsync("/v1/people/%20", ServerHost.Form(ServerHost.Photo("image", "obama.jpg"))), 400, "non-empty name");
    }
}
