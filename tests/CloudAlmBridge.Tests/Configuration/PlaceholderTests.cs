using CloudAlmBridge.Configuration;
using Microsoft.Extensions.Configuration;

namespace CloudAlmBridge.Tests.Configuration;

/// <summary>Issue 26, item 4: an example's placeholder left in place is found, naming its key; real values are not.</summary>
public sealed class PlaceholderTests
{
    [Theory]
    [InlineData("Security:Clients:cloud-alm:Secret", "change-me-32-random-characters-at-least", true)]
    [InlineData("Destinations:servicenow:Authentication:Password", "change-me", true)]
    [InlineData("Security:Tokens:SigningKey", "CHANGE-ME-please", true)]
    [InlineData("Destinations:jira:Authentication:HeaderValue", "Bearer <token>", true)]
    [InlineData("Destinations:jira:Authentication:CertificatePassword", "<from a secret store>", true)]
    [InlineData("Security:Tokens:PreviousSigningKeys:0", "<the old key>", true)]
    [InlineData("Subscriptions:calm-to-snow:UserVariables:assignmentGroup", "Exchange-Messaging", false)]
    [InlineData("Destinations:exchange:Url", "https://exchange-metrics.corp", false)]
    [InlineData("Subscriptions:calm-to-snow:UserVariables:caller", "<none>", false)]
    [InlineData("Destinations:servicenow:Authentication:Password", "x<y>z-a-real-password", false)]
    [InlineData("Destinations:servicenow:Authentication:Password", "a<b and c>d", false)]
    [InlineData("Destinations:servicenow:Authentication:Password", "1 < 2 > 0", false)]
    public void APlaceholder_IsFoundNamingItsKey_ARealValueIsNot(string key, string value, bool found)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new($"Bridge:{key}", value)]).Build();

        var errors = Placeholders.Find(configuration);

        Assert.Equal(found ? [$"Bridge:{key}: still the example's placeholder: set the real value"] : [], errors);
        Assert.DoesNotContain(errors, e => e.Contains(value, StringComparison.Ordinal));
    }
}
