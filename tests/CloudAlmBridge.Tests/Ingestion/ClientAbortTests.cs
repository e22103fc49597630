using System.Net.Sockets;
using System.Text;
using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CloudAlmBridge.Tests.Ingestion;

/// <summary>A caller that disconnects mid-request, on real Kestrel: a client abort, not a 500 of the bridge.</summary>
public sealed class ClientAbortTests : IDisposable
{
    private readonly IsolatedServiceNow _serviceNow = new();

    [Fact]
    public async Task ACallerThatDisconnectsMidBody_IsLoggedAsAClientAbort_NeverAsA500()
    {
        var settings = _serviceNow.Settings();
        settings["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0";
        settings["Serilog:MinimumLevel:Default"] = "Information";
        using var factory = new BridgeFactory(settings);
        factory.UseKestrel();
        factory.StartServer();
        var address = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(address.Host, address.Port);
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestSettings.EventsClient}:{TestSettings.EventsSecret}"));
            var head = $"POST /api/v1/events/{TestSettings.Subscription} HTTP/1.1\r\nHost: bridge\r\nAuthorization: Basic {credentials}\r\n"
                + "Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"resourceType\":\"EVENT-SITU";
            await socket.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
            await socket.GetStream().FlushAsync();
            await Task.Delay(200);
        }

        await Polling.WaitUntilAsync(() => Task.FromResult(factory.Logs.Lines.Any(l => l.Contains("responded 499", StringComparison.Ordinal))),
            "the request log's line for the abort");
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains("responded 500", StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase));
    }

    public void Dispose() => _serviceNow.Dispose();
}
