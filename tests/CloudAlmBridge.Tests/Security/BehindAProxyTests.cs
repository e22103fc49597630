using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Security;

/// <summary>
/// Issue 25, "In production": the bridge as a process in Production on plain HTTP, as it runs behind an ingress that
/// terminates TLS. Forwarded headers are believed only from the configured proxies: then the caller's address limits
/// the sign-in per caller (not every operator behind the proxy at once) and is logged, and the caller's scheme and host
/// make the links. The token endpoint's limit holds whatever else a request carries.
/// </summary>
public sealed class BehindAProxyTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task WithoutKnownProxies_ForwardedHeadersAreIgnored_SoOneAddressBehindTheProxyLocksEveryoneOut()
    {
        using var bridge = await BridgeProcess.StartAsync(Environment());
        using var client = Client(bridge);

        await ExhaustSignInsAsync(client, "203.0.113.1");
        var other = await SignInAsync(client, "203.0.113.2");

        Assert.Equal(HttpStatusCode.TooManyRequests, other.StatusCode);
    }

    [Fact]
    public async Task ACallerThatIsNotAKnownProxy_CannotChooseItsAddressOrScheme()
    {
        // A proxy is configured, but the caller (127.0.0.1) is not it: its forwarded headers are ignored.
        using var bridge = await BridgeProcess.StartAsync(Environment(("Bridge:Inbound:ForwardedHeaders:KnownProxies:0", "192.0.2.10")));
        using var client = Client(bridge);

        await ExhaustSignInsAsync(client, "203.0.113.1");
        var other = await SignInAsync(client, "203.0.113.2");
        using var console = new HttpRequestMessage(HttpMethod.Get, "/console/deliveries");
        console.Headers.Add("X-Forwarded-Proto", "https");
        console.Headers.Add("X-Forwarded-Host", "evil.example.com");
        var redirect = await client.SendAsync(console);

        Assert.Equal(HttpStatusCode.TooManyRequests, other.StatusCode);
        Assert.DoesNotContain("evil.example.com", redirect.Headers.Location?.ToString() ?? string.Empty, StringComparison.Ordinal);
        Assert.StartsWith("http://127.0.0.1", redirect.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithTheProxyKnown_EachCallerHasItsOwnSignInLimit_IsLoggedByItsAddress_AndLinksUseItsSchemeAndHost()
    {
        using var bridge = await BridgeProcess.StartAsync(Environment(("Bridge:Inbound:ForwardedHeaders:KnownProxies:0", "127.0.0.1")));
        using var client = Client(bridge);

        await ExhaustSignInsAsync(client, "203.0.113.1");
        var other = await SignInAsync(client, "203.0.113.2");
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode); // its own limit: refused only for its missing form token

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/v1/deliveries");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:wrong-secret")));
        wrong.Headers.Add("X-Forwarded-For", "203.0.113.9");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);
        await Polling.WaitUntilAsync(() => Task.FromResult(bridge.Output.Replace("\"", string.Empty, StringComparison.Ordinal)
            .Contains("Authentication failed for client ops on /api/v1/deliveries from 203.0.113.9", StringComparison.Ordinal)), "the failed login logged with the caller's address");

        using var console = new HttpRequestMessage(HttpMethod.Get, "/console/deliveries");
        console.Headers.Add("X-Forwarded-Proto", "https");
        console.Headers.Add("X-Forwarded-Host", "bridge.example.com");
        var redirect = await client.SendAsync(console);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith("https://bridge.example.com/console/login", redirect.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConsoleOverPlainHttpInProduction_SaysItNeedsHttps_AndBehindAKnownProxyItDoesNot()
    {
        using var direct = await BridgeProcess.StartAsync(Environment());
        using var proxied = await BridgeProcess.StartAsync(Environment(("Bridge:Inbound:ForwardedHeaders:KnownNetworks:0", "127.0.0.0/8")));
        using var directClient = Client(direct);
        using var proxiedClient = Client(proxied);

        var plain = await directClient.GetStringAsync("/console/login");
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, "/console/login");
        forwarded.Headers.Add("X-Forwarded-Proto", "https");
        var overTls = await (await proxiedClient.SendAsync(forwarded)).Content.ReadAsStringAsync();

        Assert.Contains("The console needs HTTPS", plain, StringComparison.Ordinal);
        Assert.Contains("Bridge:Inbound:ForwardedHeaders", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("The console needs HTTPS", overTls, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTokenEndpoint_IsLimitedPerAddressAndClientTried_WhateverBearerTokenTheRequestAlsoCarries()
    {
        using var bridge = await BridgeProcess.StartAsync(Environment(("Bridge:Inbound:ForwardedHeaders:KnownProxies:0", "127.0.0.1")));
        using var client = Client(bridge);
        var token = await TokenAsync(client, TestSettings.EventsClient, TestSettings.EventsSecret, null, null);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        var bearer = System.Text.Json.JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();

        // 30 wrong guesses of the admin's secret from one address, each carrying the events client's token...
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(client, TestSettings.AdminClient, $"guess-{i}", bearer, null)).StatusCode);
        }

        // ... and the right one is over the limit: no token.
        var right = await TokenAsync(client, TestSettings.AdminClient, TestSettings.AdminSecret, bearer, null);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.DoesNotContain("access_token", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(right.Headers.RetryAfter is not null);

        // The other client behind the same address (a shared egress) still gets its token.
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(client, TestSettings.EventsClient, TestSettings.EventsSecret, null, null)).StatusCode);
    }

    [Fact]
    public async Task GuessesOfOneClientSpreadOverManyAddresses_LockThatClientOnly_UntilTheMinuteEnds()
    {
        using var bridge = await BridgeProcess.StartAsync(Environment(("Bridge:Inbound:ForwardedHeaders:KnownProxies:0", "127.0.0.1")));
        using var client = Client(bridge);

        // 300 failures a minute from ten addresses: each address stays within its own 30.
        for (var address = 0; address < 10; address++)
        {
            for (var i = 0; i < 30; i++)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(client, TestSettings.AdminClient, $"guess-{address}-{i}", null, $"198.51.100.{address}")).StatusCode);
            }
        }

        var spread = await TokenAsync(client, TestSettings.AdminClient, TestSettings.AdminSecret, null, "198.51.100.77");
        Assert.Equal(HttpStatusCode.TooManyRequests, spread.StatusCode);
        Assert.Contains("from all addresses", await spread.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Another client is not affected.
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(client, TestSettings.EventsClient, TestSettings.EventsSecret, null, "198.51.100.78")).StatusCode);
    }

    public void Dispose() => _directory.Dispose();

    private static async Task<HttpResponseMessage> TokenAsync(HttpClient client, string id, string secret, string? bearer, string? from)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = id,
                ["client_secret"] = secret,
            }),
        };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (from is not null)
        {
            request.Headers.Add("X-Forwarded-For", from);
        }

        return await client.SendAsync(request);
    }

    /// <summary>30 sign-ins a minute per address: the 31st from <paramref name="address"/> is refused.</summary>
    private static async Task ExhaustSignInsAsync(HttpClient client, string address)
    {
        for (var i = 0; i < 30; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await SignInAsync(client, address)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInAsync(client, address)).StatusCode);
    }

    /// <summary>A sign-in as a guesser sends it (no form token): 400 unless over the address's limit.</summary>
    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string address)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/console/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["client"] = "ops", ["secret"] = "guess" }),
        };
        request.Headers.Add("X-Forwarded-For", address);
        request.Headers.Add("X-Forwarded-Proto", "https");
        return await client.SendAsync(request);
    }

    private static HttpClient Client(BridgeProcess.Running bridge) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = bridge.BaseAddress };

    private Dictionary<string, string> Environment(params (string Key, string Value)[] changes)
    {
        var settings = TestSettings.ForServiceNow("http://127.0.0.1:9", _directory.File($"bridge-{Guid.NewGuid():N}.db"));
        foreach (var (key, value) in changes)
        {
            settings[key] = value;
        }

        var environment = settings.Where(s => s.Value is not null)
            .ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["Serilog__MinimumLevel__Default"] = "Information";
        return environment;
    }
}
