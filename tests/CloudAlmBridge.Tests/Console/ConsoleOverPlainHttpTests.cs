using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CloudAlmBridge.Tests.Console;

/// <summary>
/// Issue 25, "In production": the console reached over plain HTTP in Production, as behind a TLS proxy that the bridge
/// was not told about. The session cookie is Secure, so the browser would never send it back: the form says so, in a
/// real browser, instead of a sign-in that silently comes back to it.
/// </summary>
public sealed class ConsoleOverPlainHttpTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private BridgeProcess.Running? _bridge;

    public async Task InitializeAsync()
    {
        var environment = TestSettings.ForServiceNow("http://127.0.0.1:9", _directory.File("bridge.db"))
            .Where(s => s.Value is not null)
            .ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["Serilog__MinimumLevel__Default"] = "Information"; // the "Now listening on" line tells the address
        _bridge = await BridgeProcess.StartAsync(environment);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ConsoleFixture.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox"],
        });
    }

    [Fact]
    public async Task TheSignInForm_SaysTheConsoleNeedsHttps_AndASignInSetsNoCookie()
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = _bridge!.BaseAddress!.ToString().TrimEnd('/') });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/console");
        Assert.Contains("/console/login", page.Url, StringComparison.Ordinal);
        var form = await page.InnerTextAsync("main");
        Assert.Contains("The console needs HTTPS", form, StringComparison.Ordinal);
        Assert.Contains("Bridge:Inbound:ForwardedHeaders", form, StringComparison.Ordinal);

        await page.FillAsync("#client", TestSettings.AdminClient);
        await page.FillAsync("#secret", TestSettings.AdminSecret);
        await page.ClickAsync("button[type=submit]");

        Assert.Contains("/console/login", page.Url, StringComparison.Ordinal);
        Assert.Contains("The console needs HTTPS", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "bridge-console");
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        _bridge?.Dispose();
        _directory.Dispose();
    }
}
