using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CloudAlmBridge.Tests.Infrastructure;
using static CloudAlmBridge.Tests.Security.AuthenticationMatrixTests;

namespace CloudAlmBridge.Tests.Security;

/// <summary>
/// Bodies without a Content-Length (chunked) over the cap, on Kestrel: the in-memory test server has no per-request
/// body limit, so only a real server shows that the cap cuts such a body off and the answer is still a 413 problem.
/// </summary>
public sealed class BodyCapTests(TlsBridge bridge) : IClassFixture<TlsBridge>
{
    [Fact]
    public async Task ChunkedTokenRequestOverTheCap_Is413()
    {
        using var http = bridge.Client(authorization: Basic(TestSettings.EventsClient, TestSettings.EventsSecret));

        using var response = await http.SendAsync(Chunked("/oauth/token", "application/x-www-form-urlencoded",
            "grant_type=client_credentials&scope=" + new string('a', 20 * 1024)));

        await AssertTooLargeAsync(response);
    }

    [Fact]
    public async Task ChunkedPreviewOverTheCap_Is413()
    {
        using var http = bridge.Client(authorization: Basic(TestSettings.AdminClient, TestSettings.AdminSecret));
        var message = Events.Message("created", "s-1").ToJsonString();

        // Four times Bridge:Inbound:MaxBodyBytes (1 MiB) is the cap for a preview.
        using var response = await http.SendAsync(Chunked("/api/v1/mappings/servicenow-incident/preview", "application/json",
            $$$"""{"message": {{{message}}}, "response": {"padding": "{{{new string('x', 4 * 1024 * 1024)}}}"}}"""));

        await AssertTooLargeAsync(response);
    }

    [Fact]
    public async Task AChangeMessageWithAByteOrderMark_IsRead()
    {
        using var http = bridge.Client(authorization: Basic(TestSettings.EventsClient, TestSettings.EventsSecret));
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Events.Message("ping", Events.NewSituationId()).ToJsonString())).ToArray();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        // A PING of a situation without a ticket: 404 once the message was read, 400 had the mark made it unreadable.
        using var response = await http.PostAsync($"/api/v1/events/{TestSettings.Subscription}", content);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static HttpRequestMessage Chunked(string path, string mediaType, string body)
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        return request;
    }

    private static async Task AssertTooLargeAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"status\":413", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
