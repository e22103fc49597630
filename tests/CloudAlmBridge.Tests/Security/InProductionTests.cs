using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CloudAlmBridge.Tests.Security;

/// <summary>
/// Issue 25, "In production", the holes where storage is involved, on SQLite and PostgreSQL: console sessions recorded
/// in the database (sign-out ends them on every instance; a copy of the database mints none), the key ring encrypted
/// there, and page numbers that cannot exist.
/// </summary>
public abstract partial class InProductionTests
{
    private readonly ServiceNowBridgeFixture _bridge;

    protected InProductionTests(ServiceNowBridgeFixture bridge)
    {
        _bridge = bridge;
        bridge.ResetTicketSystems();
    }

    [Theory]
    [InlineData("/api/v1/deliveries")]
    [InlineData("/api/v1/tickets")]
    [InlineData("/api/v1/held-situations")]
    public async Task APagePastTheEnd_IsEmpty_AndAPageThatCannotExist_Is400(string route)
    {
        using var admin = _bridge.AdminClient();
        await CreateTicketAsync();

        var last = await admin.GetAsync($"{route}?page={int.MaxValue}");
        var far = await admin.GetAsync($"{route}?page=42949673");
        var zero = await admin.GetAsync($"{route}?page=0");
        var tooBig = await admin.GetAsync($"{route}?page=2147483648");

        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Equal(0, (await last.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, far.StatusCode);
        Assert.Equal(0, (await far.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        Assert.Equal("application/problem+json", zero.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
        Assert.Equal("application/problem+json", tooBig.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/console/deliveries")]
    [InlineData("/console/tickets")]
    public async Task TheConsolesLists_ShowAPagePastTheEndEmpty(string page)
    {
        var situation = await CreateTicketAsync();
        using var console = await SignInAsync(_bridge.Factory);
        Assert.Contains(situation, await console.GetStringAsync(page), StringComparison.Ordinal);

        var last = await console.GetAsync($"{page}?page={int.MaxValue}");

        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.DoesNotContain(situation, await last.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>A situation with its ticket: a delivery and a ticket link on the first pages.</summary>
    private async Task<string> CreateTicketAsync()
    {
        var situation = Events.NewSituationId();
        _bridge.ServiceNow.AnswersLookup();
        _bridge.ServiceNow.AnswersCreate(Guid.NewGuid().ToString("N"), "INC0025010");
        using var events = _bridge.EventsClient();
        Assert.Equal(HttpStatusCode.Created, (await events.PostEventAsync(TestSettings.Subscription, Events.Message("created", situation))).StatusCode);
        return situation;
    }

    [Fact]
    public async Task SigningOut_EndsTheSession_ForACopyOfTheCookieTakenBefore()
    {
        using var console = await SignInAsync(_bridge.Factory);
        var cookie = SessionCookie(console);
        using var copy = CookieClient(_bridge.Factory, cookie);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/console/deliveries")).StatusCode);

        await LogoutAsync(console);

        var replayed = await copy.GetAsync("/console/deliveries");
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.Equal("/console/login", replayed.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task ASessionMintedWithTheKeyRing_ButNoRecordedToken_IsRefused_AndNoClientWithoutASecretGetsOne()
    {
        // What a copy of the database gave before: the key ring, and the constant fingerprint of a client known only by
        // its certificate. Minted here with the bridge's own key ring, which is more than a copy of the database holds.
        using var factory = _bridge.StartBridge(new Dictionary<string, string?>
        {
            ["Bridge:Security:Clients:ops-cert:CertificateThumbprints:0"] = new string('A', 64),
            ["Bridge:Security:Clients:ops-cert:Roles:0"] = "admin",
        });
        var clients = factory.Services.GetRequiredService<CloudAlmBridge.Configuration.ActiveConfiguration>().Current.Options.Security.Clients;

        foreach (var (client, token) in new[] { ("ops-cert", "any"), (TestSettings.AdminClient, "not-a-recorded-token") })
        {
            var cookie = Mint(factory, client, CloudAlmBridge.Console.ConsoleExtensions.SecretFingerprint(clients[client]), token);
            using var minted = CookieClient(factory, cookie);

            var page = await minted.GetAsync("/console/deliveries");

            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/console/login", page.Headers.Location?.AbsolutePath);
        }
    }

    [Fact]
    public async Task TheKeyRing_IsEncryptedInTheDatabase_AndABridgeWithAnotherKeyCannotUseIt()
    {
        using var console = await SignInAsync(_bridge.Factory);
        var cookie = SessionCookie(console);

        var stored = await KeyRingRowsAsync();
        Assert.NotEmpty(stored);
        Assert.All(stored, xml =>
        {
            Assert.Contains("urn:cloudalmbridge:key-ring:v1", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });

        // Another bridge on the same database with another key ring key: the cookie is nothing to it.
        using var other = _bridge.StartBridge(new Dictionary<string, string?> { ["Bridge:Security:KeyRing:Key"] = "another-key-ring-key-of-32-characters-or-more" });
        using var copy = CookieClient(other, cookie);
        var page = await copy.GetAsync("/console/deliveries");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains(other.Logs.Lines, l => l.Contains("encrypted with another Bridge:Security:KeyRing:Key are not used", StringComparison.Ordinal));
    }

    /// <summary>Signs in to the console over HTTPS as the admin client; the returned client keeps the session cookie.</summary>
    internal static async Task<HttpClient> SignInAsync(BridgeFactory factory)
    {
        var cookies = new CookieContainer();
        var client = factory.CreateDefaultClient(new Uri("https://localhost"), new CookieContainerHandler(cookies));
        Jars.Add(client, cookies);
        var response = await client.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client"] = TestSettings.AdminClient,
            ["secret"] = TestSettings.AdminSecret,
            ["returnUrl"] = "/console/",
            ["__csrf"] = await CsrfAsync(client, "/console/login"),
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    internal static async Task<string> CsrfAsync(HttpClient client, string page) =>
        CsrfField().Match(await client.GetStringAsync(page)).Groups[1].Value;

    /// <summary>The session cookie's value, as a copy taken from the browser would be.</summary>
    internal static string SessionCookie(HttpClient client) =>
        Jars.TryGetValue(client, out var cookies) ? cookies.GetCookies(new Uri("https://localhost/console/"))["bridge-console"]!.Value : throw new InvalidOperationException("not signed in");

    internal static async Task LogoutAsync(HttpClient client)
    {
        var logout = await client.PostAsync("/console/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__csrf"] = await CsrfAsync(client, "/console/"),
        }));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<HttpClient, CookieContainer> Jars = [];

    internal static HttpClient CookieClient(BridgeFactory factory, string cookie)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", $"bridge-console={cookie}");
        return client;
    }

    private static string Mint(BridgeFactory factory, string client, string fingerprint, string token)
    {
        var options = factory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CloudAlmBridge.Console.ConsoleExtensions.Scheme);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, client), new Claim(ClaimTypes.Role, "admin")], CloudAlmBridge.Console.ConsoleExtensions.Scheme));
        var properties = new AuthenticationProperties();
        properties.Items[CloudAlmBridge.Console.ConsoleExtensions.SignedInAtItem] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        properties.Items[CloudAlmBridge.Console.ConsoleExtensions.SecretItem] = fingerprint;
        properties.Items[CloudAlmBridge.Console.ConsoleExtensions.SessionItem] = token;
        return options.TicketDataFormat.Protect(new AuthenticationTicket(principal, properties, CloudAlmBridge.Console.ConsoleExtensions.Scheme));
    }

    private async Task<List<string>> KeyRingRowsAsync()
    {
        var database = _bridge.OpenDatabase();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT xml FROM data_protection_keys WHERE xml LIKE '<key %';";
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}

public sealed class InProductionOnSqliteTests(ServiceNowBridgeFixture bridge) : InProductionTests(bridge), IClassFixture<ServiceNowBridgeFixture>;

public sealed class InProductionOnPostgreSqlTests(PostgreSqlBridgeFixture bridge) : InProductionTests(bridge), IClassFixture<PostgreSqlBridgeFixture>
{
    [Fact]
    public async Task SigningOutOnOneInstance_EndsTheSessionOnTheOther()
    {
        using var second = bridge.StartBridge();
        using var console = await SignInAsync(bridge.Factory);
        using var onSecond = CookieClient(second, SessionCookie(console));

        // One key ring and one session record for both: the session opened on the first is valid on the second.
        Assert.Equal(HttpStatusCode.OK, (await onSecond.GetAsync("/console/deliveries")).StatusCode);

        await LogoutAsync(console);

        var after = await onSecond.GetAsync("/console/deliveries");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/console/login", after.Headers.Location?.AbsolutePath);
    }
}
