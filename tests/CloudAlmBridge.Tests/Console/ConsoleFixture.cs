using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace CloudAlmBridge.Tests.Console;

/// <summary>
/// One bridge on real Kestrel over TLS (the session cookie is Secure outside Development), a WireMock ServiceNow (and a
/// Jira on it that refuses the credentials), a destination whose certificate the bridge does not trust, and one
/// headless Debian Chromium for the whole class.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string UntrustedDestination = "untrusted-rest";

    /// <summary>A subscription on a generic target without a look-up: a create whose answer is lost holds its situation.</summary>
    public const string HeldSubscription = "held-demo";

    public const string HeldTicketsPath = "/held/tickets";

    /// <summary>A subscription on ServiceNow that groups its situations by service (Grouping:Key), for the groups page.</summary>
    public const string GroupedSubscription = "grouped-demo";

    /// <summary>A subscription on ServiceNow that reopens a flapping check's incident (Reopen:Window), for the tickets page.</summary>
    public const string ReopenSubscription = "reopen-demo";

    /// <summary>Debian's Chromium (<c>apt-get install -y chromium</c>); another path can be given in CLOUDALMBRIDGE_CHROMIUM.</summary>
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("CLOUDALMBRIDGE_CHROMIUM") is { Length: > 0 } path
        ? path
        : "/usr/bin/chromium";

    private readonly TempDirectory _directory = new();
    private readonly TestCertificates _bridgeCertificates = new();
    private readonly TestCertificates _strangerCertificates = new("A CA the bridge does not trust");
    private IPlaywright? _playwright;

    public WireMockServer ServiceNow { get; } = WireMockServer.Start();

    public WireMockServer Untrusted { get; private set; } = null!;

    public BridgeFactory Factory { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Content security policy violations and script errors seen in any page of the class.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> BrowserErrors { get; } = new();

    /// <summary>Where the tests put their screenshots: CLOUDALMBRIDGE_SCREENSHOTS (docs/images to refresh the docs), else the test output.</summary>
    public static string ScreenshotDirectory { get; } = Environment.GetEnvironmentVariable("CLOUDALMBRIDGE_SCREENSHOTS") is { Length: > 0 } directory
        ? directory
        : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            // Never skipped: a missing browser is a broken test machine, said plainly.
            throw new InvalidOperationException(
                $"Chromium is not installed at {ChromiumPath}: the console's browser tests need Debian's Chromium. Install it with "
                + "'apt-get install -y chromium' (as root; .ci/run does this), or set CLOUDALMBRIDGE_CHROMIUM to a Chromium binary.");
        }

        Untrusted = WireMockServer.Start(new WireMockServerSettings
        {
            UseSSL = true,
            CertificateSettings = new WireMockCertificateSettings { X509Certificate = _strangerCertificates.IssueServer() },
        });
        Untrusted.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200));

        // The harmless call of 'test connection' on ServiceNow: one row of the webhook's table.
        ServiceNow.Given(Request.Create().WithPath(ServiceNowStubs.IncidentPath).UsingGet().WithParam("sysparm_limit", "1"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"result":[]}"""));
        ServiceNow.AnswersLookup();

        // A Jira (on the same WireMock) that refuses the bridge's API token: test connection asks GET /rest/api/2/myself.
        ServiceNow.Given(Request.Create().WithPath("/jira/rest/api/2/myself").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json")
                .WithBody("""{"errorMessages":["You are not authenticated. Authentication required to perform this operation."],"errors":{}}"""));

        var serverPfx = _directory.File("server.pfx");
        await File.WriteAllBytesAsync(serverPfx, _bridgeCertificates.IssueServer().Export(X509ContentType.Pkcs12, "console-pfx"));
        var settings = TestSettings.ForServiceNowAndJira(ServiceNow.Url!, ServiceNow.Url + "/jira", _directory.File("console.db"));
        // Who did what in the console is logged at Information: the tests read it.
        settings["Serilog:MinimumLevel:Override:CloudAlmBridge.Console"] = "Information";
        settings["Serilog:MinimumLevel:Override:CloudAlmBridge.Maintenance"] = "Information";
        settings["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0";
        settings["Kestrel:Endpoints:Https:Certificate:Path"] = serverPfx;
        settings["Kestrel:Endpoints:Https:Certificate:Password"] = "console-pfx";
        settings[$"Bridge:Destinations:{UntrustedDestination}:Url"] = Untrusted.Url;
        settings["Bridge:Webhooks:untrusted-tickets:Destination"] = UntrustedDestination;
        settings["Bridge:Webhooks:untrusted-tickets:Path"] = "/api/tickets";
        settings["Bridge:Webhooks:untrusted-tickets:DestinationType"] = "GENERIC";

        // A generic target without a look-up, for the held situations page: a create it answers too late is held.
        var heldMapping = _directory.File("held-tickets.json");
        await File.WriteAllTextAsync(heldMapping, """
            { "structure": { "request": { "title": "#{subject}", "reference": "#{id}" }, "response": { "externalId": "#{id}" } },
              "eventTypeMapping": { "operationMappings": [
                { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" },
                { "eventType": "EVENT-SITUATION.UPDATED", "operation": "PATCH", "path": "/#{externalId}" } ] } }
            """);
        settings["Bridge:Destinations:held-target:Url"] = ServiceNow.Url;
        settings["Bridge:Destinations:held-target:AllowInsecureHttp"] = "true";
        settings["Bridge:Destinations:held-target:Authentication:Type"] = "NoAuthentication";
        settings["Bridge:Webhooks:held-tickets:Destination"] = "held-target";
        settings["Bridge:Webhooks:held-tickets:Path"] = HeldTicketsPath;
        settings["Bridge:Webhooks:held-tickets:DestinationType"] = "GENERIC";
        settings["Bridge:Mappings:held-tickets:File"] = heldMapping;
        settings[$"Bridge:Subscriptions:{HeldSubscription}:Webhook"] = "held-tickets";
        settings[$"Bridge:Subscriptions:{HeldSubscription}:Mapping"] = "held-tickets";
        settings[$"Bridge:Subscriptions:{GroupedSubscription}:Webhook"] = "snow-incident";
        settings[$"Bridge:Subscriptions:{GroupedSubscription}:UserVariables:closeCode"] = "Solved (Permanently)";
        settings[$"Bridge:Subscriptions:{GroupedSubscription}:UserVariables:assignmentGroup"] = "SAP Basis";
        settings[$"Bridge:Subscriptions:{GroupedSubscription}:Grouping:Key"] = "#{serviceId}";
        settings[$"Bridge:Subscriptions:{GroupedSubscription}:Grouping:Window"] = "00:10:00";
        settings[$"Bridge:Subscriptions:{ReopenSubscription}:Webhook"] = "snow-incident";
        settings[$"Bridge:Subscriptions:{ReopenSubscription}:UserVariables:closeCode"] = "Solved (Permanently)";
        settings[$"Bridge:Subscriptions:{ReopenSubscription}:Reopen:Window"] = "01:00:00";
        Factory = new BridgeFactory(settings);
        Factory.UseKestrel();
        Factory.StartServer();
        BaseAddress = new Uri(Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("https:", StringComparison.Ordinal)));

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Tests run as root in a container, where Chromium's sandbox cannot start.
            Args = ["--no-sandbox"],
        });
    }

    /// <summary>A fresh browser context (no cookies) on the bridge, which it trusts although the test CA issued its certificate.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString().TrimEnd('/'),
            IgnoreHTTPSErrors = true,
            ViewportSize = new ViewportSize { Width = 1366, Height = 860 },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(10_000);
        // What the browser refused (the content security policy) or failed on (a script error) is a test failure.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                BrowserErrors.Enqueue(message.Text);
            }
        };
        page.PageError += (_, error) => BrowserErrors.Enqueue(error);
        return page;
    }

    /// <summary>A page signed in as the admin client, on the overview.</summary>
    public async Task<IPage> SignedInPageAsync()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/console/login");
        await page.FillAsync("#client", TestSettings.AdminClient);
        await page.FillAsync("#secret", TestSettings.AdminSecret);
        await page.ClickAsync("button[type=submit]");
        try
        {
            await page.WaitForURLAsync("**/console");
        }
        catch (TimeoutException exception)
        {
            // Where the sign-in ended instead, and what that page said: a refused sign-in explains itself.
            var text = await page.InnerTextAsync("body");
            throw new TimeoutException($"The sign-in did not reach /console: the page is {page.Url}, saying: {text[..Math.Min(text.Length, 600)]}", exception);
        }

        return page;
    }

    /// <summary>The REST API as Basic admin or events client, over the bridge's TLS.</summary>
    public HttpClient Client(string user, string secret)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        var client = new HttpClient(handler) { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        return client;
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, $"console-{name}.png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Factory?.Dispose();
        Untrusted?.Stop();
        ServiceNow.Stop();
        _strangerCertificates.Dispose();
        _bridgeCertificates.Dispose();
        _directory.Dispose();
    }
}
