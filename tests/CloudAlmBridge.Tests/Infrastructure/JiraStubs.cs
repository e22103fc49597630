using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CloudAlmBridge.Tests.Infrastructure;

/// <summary>What every Jira answers besides a test's own stubs, as a Jira Data Center does.</summary>
public static class JiraStubs
{
    /// <summary>Below a test's own stubs: a Data Center's serverInfo, and a search for the situation's label that finds nothing.</summary>
    public const int Fallback = 10_000;

    public static WireMockServer AnswersAsDataCenter(this WireMockServer jira)
    {
        jira.Given(Request.Create().WithPath("/rest/api/2/serverInfo").UsingGet()).AtPriority(Fallback)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"version":"9.12.15","deploymentType":"DataCenter"}"""));
        jira.Given(Request.Create().WithPath("/rest/api/2/search").UsingGet()).AtPriority(Fallback)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"startAt":0,"maxResults":1,"total":0,"issues":[]}"""));
        return jira;
    }
}
