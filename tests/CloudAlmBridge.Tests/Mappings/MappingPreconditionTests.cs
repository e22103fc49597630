using CloudAlmBridge.Mapping;
using CloudAlmBridge.Mappings;

namespace CloudAlmBridge.Tests.Mappings;

/// <summary>
/// docs/api.md §4: which version a mapping change expects, without a host. The REST API's If-Match and the console's
/// loaded version are two preconditions of one use case (MappingChanges), each worded for its own channel.
/// </summary>
public sealed class MappingPreconditionTests
{
    private const string Document = """
        { "structure": { "request": { "short_description": "#{subject}" } },
          "eventTypeMapping": { "operationMappings": [ { "eventType": "EVENT-SITUATION.CREATED", "operation": "POST" } ] } }
        """;

    private static readonly MappingEntry Stored =
        new("acme", MappingOrigin.Api, Document, MappingDocument.Compile(Document).Document!, Version: 3, Revision: 17);

    [Fact]
    public void WithoutIfMatch_AnyChangeGoesAhead_Unconditionally()
    {
        Assert.True(MappingPrecondition.None.Admits(null, out var onNew));
        Assert.True(MappingPrecondition.None.Admits(Stored, out var onStored));
        Assert.Equal((null, null), (onNew, onStored));
    }

    [Fact]
    public void IfMatch_WithTheCurrentTag_HandsItsRevisionToTheStore_AndAnyOtherTagIsRefusedInIfMatchsWords()
    {
        var current = MappingPrecondition.IfMatchTags(["\"api-9\"", Stored.ETag], anyVersion: false);
        var other = MappingPrecondition.IfMatchTags(["\"api-9\""], anyVersion: false);

        Assert.True(current.Admits(Stored, out var revision));
        Assert.Equal(17, revision);
        Assert.False(other.Admits(Stored, out _));
        Assert.False(current.Admits(null, out _));
        Assert.Equal("Mapping 'acme' is at \"api-17\", not the version in If-Match; read it again before changing it.", other.Refusal("acme", Stored));
        Assert.Equal("Mapping 'acme' does not exist, so If-Match cannot match.", other.Refusal("acme", null));
    }

    [Fact]
    public void IfMatchAny_OnlyAsksThatTheMappingExists()
    {
        var any = MappingPrecondition.IfMatchTags([], anyVersion: true);

        Assert.True(any.Admits(Stored, out var revision));
        Assert.Null(revision);
        Assert.False(any.Admits(null, out _));
    }

    [Fact]
    public void AsLoaded_NeedsTheLoadedVersionOfAnExistingMapping_AndSavesAMissingOneAsNew_InTheFormsWords()
    {
        Assert.True(MappingPrecondition.AsLoaded(Stored.ETag).Admits(Stored, out var revision));
        Assert.Equal(17, revision);
        Assert.True(MappingPrecondition.AsLoaded("\"builtin-0011223344556677\"").Admits(null, out var onNew));
        Assert.Null(onNew);
        Assert.False(MappingPrecondition.AsLoaded(string.Empty).Admits(Stored, out _));
        Assert.Equal("Mapping 'acme' was changed by someone else (it is at \"api-17\", this form loaded no version): open it again before saving.",
            MappingPrecondition.AsLoaded(string.Empty).Refusal("acme", Stored));
    }

    [Fact]
    public void AnOriginHasOneSpelling_TheApisAndItsETagsPrefix()
    {
        Assert.Equal(["builtin", "configuration", "api"], Enum.GetValues<MappingOrigin>().Select(o => o.WireName()));
        var builtIn = new MappingEntry("x", MappingOrigin.BuiltIn, Document, Stored.Document);
        Assert.StartsWith("\"builtin-", builtIn.ETag, StringComparison.Ordinal);
    }
}
