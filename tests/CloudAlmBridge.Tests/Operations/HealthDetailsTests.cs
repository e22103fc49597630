using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CloudAlmBridge.Tests.Infrastructure;

namespace CloudAlmBridge.Tests.Operations;

/// <summary>
/// Issue 25, "In production": anonymous readiness says each check's status and nothing else, and says exactly the same
/// whatever credentials come with the request: an answer that changed with them would let anyone test secrets there,
/// where no rate limit applies. The details are for admins, at a route that needs the role.
/// </summary>
public sealed class HealthDetailsTests(ServiceNowBridgeFixture bridge) : IClassFixture<ServiceNowBridgeFixture>
{
    [Fact]
    public async Task Readiness_IsTheSameForNoOneAWrongSecretAndTheAdmin_AndHasNoDescriptions()
    {
        using var anonymous = bridge.Factory.CreateClient();
        var answers = new List<string>();
        foreach (var secret in new[] { null, "a-wrong-guess", TestSettings.AdminSecret })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/health/ready");
            if (secret is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestSettings.AdminClient}:{secret}")));
            }

            var response = await anonymous.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Single(answers.Distinct(StringComparer.Ordinal));
        var checks = JsonDocument.Parse(answers[0]).RootElement.GetProperty("checks");
        Assert.All(checks.EnumerateObject(), c => Assert.Equal(JsonValueKind.Null, c.Value.GetProperty("description").ValueKind));
    }

    [Fact]
    public async Task TheDetails_AreForAdminsAtApiV1Health()
    {
        using var admin = bridge.AdminClient();
        using var events = bridge.EventsClient();

        var details = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/health")).RootElement;

        Assert.Equal("Healthy", details.GetProperty("status").GetString());
        Assert.Contains(details.GetProperty("checks").EnumerateObject(), c => c.Value.GetProperty("description").ValueKind == JsonValueKind.String);
        Assert.Equal(HttpStatusCode.Forbidden, (await events.GetAsync("/api/v1/health")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bridge.Factory.CreateClient().GetAsync("/api/v1/health")).StatusCode);
    }
}
