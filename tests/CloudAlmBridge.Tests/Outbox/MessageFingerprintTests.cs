using System.Security.Cryptography;
using System.Text;
using CloudAlmBridge.Outbox;

namespace CloudAlmBridge.Tests.Outbox;

/// <summary>
/// The dedupe key's fingerprint (issue 21, item 5): one pass over the bytes as they came, whitespace between tokens
/// left out, every byte inside a string kept.
/// </summary>
public sealed class MessageFingerprintTests
{
    private const string Compact = """{"eventType":"EVENT-SITUATION.CREATED","resource":{"id":"a-1","subject":"Ping failed: PRD","tags":[1,2.5,true,null]}}""";

    [Fact]
    public void AResendSpacedDifferently_HasTheSameFingerprint_AsTheCompactMessage()
    {
        const string spaced = """
            {
              "eventType" : "EVENT-SITUATION.CREATED",
            	"resource": { "id": "a-1", "subject": "Ping failed: PRD",
                "tags": [ 1, 2.5, true, null ] }
            }
            """;

        Assert.Equal(Sha256(Compact), Of(Compact));
        Assert.Equal(Of(Compact), Of(spaced));
    }

    [Theory]
    [InlineData("""{"resource":{"id":"a-1","subject":"Ping failed:  PRD"}}""", """{"resource":{"id":"a-1","subject":"Ping failed: PRD"}}""")]
    [InlineData("""{"resource":{"id":"a-1","subject":"tab\there"}}""", """{"resource":{"id":"a-1","subject":"tab here"}}""")]
    [InlineData("""{"resource":{"id":"a-1","subject":"\" a"}}""", """{"resource":{"id":"a-1","subject":"\"a"}}""")]
    [InlineData("""{"resource":{"id":"a-1","subject":"\\","x":" y"}}""", """{"resource":{"id":"a-1","subject":"\\","x":"y"}}""")]
    [InlineData("""{"resource":{"id":"a-1"}}""", """{"resource":{"id":"a-2"}}""")]
    public void AnyDifferenceInsideAString_MakesAnotherFingerprint(string one, string other) =>
        Assert.NotEqual(Of(one), Of(other));

    [Fact]
    public void AnEscapedQuote_DoesNotEndTheString_SoTheSpacesAfterItCount()
    {
        // After "\"" the string goes on: the two spaces are inside it and kept; after "\\" it has ended.
        var compacted = new byte[64];
        var json = """{"a":"\"  b","c": 1}"""u8;
        var length = MessageFingerprint.Compact(json, compacted);
        Assert.Equal("""{"a":"\"  b","c":1}""", Encoding.UTF8.GetString(compacted, 0, length));
    }

    private static string Of(string json) => MessageFingerprint.Of(Encoding.UTF8.GetBytes(json));

    private static string Sha256(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
}
