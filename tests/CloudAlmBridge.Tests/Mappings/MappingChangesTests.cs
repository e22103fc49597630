using System.Text;
using CloudAlmBridge.Mappings;
using CloudAlmBridge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CloudAlmBridge.Tests.Mappings;

/// <summary>
/// docs/api.md §4: saving and deleting a mapping as one use case, called directly (no HTTP): the outcome, the words and
/// the log line the REST API and the console's playground both translate.
/// </summary>
public sealed class MappingChangesTests(MappingChangesTests.InformationLoggingBridge bridge) : IClassFixture<MappingChangesTests.InformationLoggingBridge>
{
    private const string Document = """
        { "structure": { "request": { "short_description": "#{subject}" } },
          "eventTypeMapping": { "operationMappings": [ { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" } ] } }
        """;

    private MappingChanges Changes => bridge.Factory.Services.GetRequiredService<MappingChanges>();

    [Fact]
    public async Task Saved_AsNewThenAsItsNextVersion_AndRefusedOnceSomeoneElseSavedInBetween()
    {
        var name = $"changes-{Guid.NewGuid():N}"[..20];

        var created = await Changes.SaveAsync(name, Bytes(Document), MappingPrecondition.AsLoaded(string.Empty), CancellationToken.None);
        var replaced = await Changes.SaveAsync(name, Bytes(Document), MappingPrecondition.AsLoaded(created.Entry!.ETag), CancellationToken.None);
        var staleForm = await Changes.SaveAsync(name, Bytes(Document), MappingPrecondition.AsLoaded(created.Entry.ETag), CancellationToken.None);
        var staleIfMatch = await Changes.SaveAsync(name, Bytes(Document), MappingPrecondition.IfMatchTags([created.Entry.ETag], false), CancellationToken.None);

        Assert.Equal((MappingChangeOutcome.Created, 1L, MappingOrigin.Api), (created.Outcome, created.Entry.Version, created.Entry.Origin));
        Assert.Equal($"Saved '{name}' as version 1; subscriptions that use it take it for their next event.", created.Detail);
        Assert.Equal((MappingChangeOutcome.Replaced, 2L), (replaced.Outcome, replaced.Entry!.Version));
        Assert.Equal(MappingChangeOutcome.Stale, staleForm.Outcome);
        Assert.Equal(replaced.Entry.ETag, staleForm.Entry!.ETag);
        Assert.Contains($"was changed by someone else (it is at {replaced.Entry.ETag}, this form loaded {created.Entry.ETag})", staleForm.Detail,
            StringComparison.Ordinal);
        Assert.Equal($"Mapping '{name}' is at {replaced.Entry.ETag}, not the version in If-Match; read it again before changing it.", staleIfMatch.Detail);

        // One log line per save, written by the use case whichever channel asked.
        Assert.Equal(2, LogLines(4002, name));
    }

    [Fact]
    public async Task TheNameIsCheckedFirst_ThenTheOrigin_ThenTheVersion_ThenTheDocument()
    {
        var tooLarge = await Changes.SaveAsync("fresh-but-too-large", null, MappingPrecondition.None, CancellationToken.None);
        var invalidName = await Changes.SaveAsync("has space", null, MappingPrecondition.IfMatchTags(["\"api-1\""], false), CancellationToken.None);
        var builtIn = await Changes.SaveAsync("servicenow-incident", null, MappingPrecondition.IfMatchTags(["\"api-1\""], false), CancellationToken.None);
        var configured = await Changes.SaveAsync("sap-document-approval", Bytes(Document), MappingPrecondition.None, CancellationToken.None);
        var stale = await Changes.SaveAsync("never-there", null, MappingPrecondition.IfMatchTags(["\"api-1\""], false), CancellationToken.None);

        Assert.Equal(MappingChangeOutcome.TooLarge, tooLarge.Outcome);
        Assert.StartsWith("A mapping document may have at most ", tooLarge.Detail, StringComparison.Ordinal);
        Assert.Equal((MappingChangeOutcome.InvalidName, MappingNames.Refusal("has space")), (invalidName.Outcome, invalidName.Detail));
        Assert.Equal((MappingChangeOutcome.ReadOnly, "'servicenow-incident' is a built-in mapping; copy it under another name to change it."),
            (builtIn.Outcome, builtIn.Detail));
        Assert.Equal(MappingChangeOutcome.ReadOnly, configured.Outcome);
        Assert.Equal("'sap-document-approval' comes from the configuration (Bridge:Mappings:sap-document-approval); change its file instead.", configured.Detail);
        Assert.Equal((MappingChangeOutcome.Stale, "Mapping 'never-there' does not exist, so If-Match cannot match."), (stale.Outcome, stale.Detail));
    }

    [Fact]
    public async Task ADocumentThatIsNotJsonOrNoMapping_IsRefusedWithEveryErrorAtItsPath_AndNothingIsStored()
    {
        var notUtf8 = await Changes.SaveAsync("broken-bytes", new byte[] { 0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D }, MappingPrecondition.None,
            CancellationToken.None);
        var invalid = await Changes.SaveAsync("broken-mapping", Bytes(Document.Replace("\"POST\"", "\"POTS\"", StringComparison.Ordinal)),
            MappingPrecondition.None, CancellationToken.None);

        Assert.Equal(MappingChangeOutcome.NotJson, notUtf8.Outcome);
        Assert.Equal("The mapping document is not readable JSON; the stored version is unchanged.", notUtf8.Detail);
        Assert.Equal("the body is not valid UTF-8", Assert.Single(notUtf8.Errors).Message);
        Assert.Equal(MappingChangeOutcome.Invalid, invalid.Outcome);
        Assert.Equal("The mapping document has 1 error(s); the stored version is unchanged.", invalid.Detail);
        Assert.Equal("eventTypeMapping.operationMappings[0].operation", Assert.Single(invalid.Errors).Path);
        var catalog = bridge.Factory.Services.GetRequiredService<MappingCatalog>();
        Assert.Null(catalog.Find("broken-bytes"));
        Assert.Null(catalog.Find("broken-mapping"));
    }

    [Fact]
    public async Task Deleted_OnlyAtTheExpectedVersion_AndOnlyWhenPutOverTheApi()
    {
        var name = $"doomed-{Guid.NewGuid():N}"[..20];
        var saved = await Changes.SaveAsync(name, Bytes(Document), MappingPrecondition.None, CancellationToken.None);

        var builtIn = await Changes.DeleteAsync("jira-issue", MappingPrecondition.None, CancellationToken.None);
        var stale = await Changes.DeleteAsync(name, MappingPrecondition.IfMatchTags(["\"api-0\""], false), CancellationToken.None);
        var deleted = await Changes.DeleteAsync(name, MappingPrecondition.IfMatchTags([saved.Entry!.ETag], false), CancellationToken.None);
        var again = await Changes.DeleteAsync(name, MappingPrecondition.None, CancellationToken.None);

        Assert.Equal((MappingChangeOutcome.ReadOnly, "'jira-issue' is a built-in mapping; copy it under another name to change it."),
            (builtIn.Outcome, builtIn.Detail));
        Assert.Equal((MappingChangeOutcome.Stale, saved.Entry.ETag), (stale.Outcome, stale.Entry!.ETag));
        Assert.Equal(MappingChangeOutcome.Deleted, deleted.Outcome);
        Assert.Equal((MappingChangeOutcome.Unknown, $"No mapping '{name}' exists."), (again.Outcome, again.Detail));
        Assert.Equal(1, LogLines(4003, name));
    }

    private int LogLines(int eventId, string name) =>
        bridge.Factory.Logs.Lines.Count(l => l.Contains($"Id: {eventId},", StringComparison.Ordinal) && l.Contains($"Name={name},", StringComparison.Ordinal));

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>The test bridge with its information lines kept: the change log lines are at that level.</summary>
    public sealed class InformationLoggingBridge : ServiceNowBridgeFixture
    {
        public override Task InitializeAsync()
        {
            Start(new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" });
            return Task.CompletedTask;
        }
    }
}
