using System.Text;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Tests.Ingestion;

/// <summary>A body whose escapes decode to no text is refused naming where, whether the string is a value, in an array, or a name.</summary>
public sealed class JsonInputTests
{
    [Theory]
    [InlineData("""{"resource":{"name":"\ud83d"}}""", "resource.name")]
    [InlineData("""{"resource":{"tags":["ok","\udc00x"]}}""", "resource.tags[1]")]
    [InlineData("""{"resource":{"list":[{"a":1},{"b":"\ud800"}]}}""", "resource.list[1].b")]
    [InlineData("""{"resource":{"\ud83d":1}}""", "resource")]
    [InlineData(""" "\ud83d" """, "body")]
    public void AnUndecodableString_IsRefused_AtItsPath(string json, string path)
    {
        using var document = JsonInput.Parse(Encoding.UTF8.GetBytes(json), string.Empty, out var problem);

        Assert.Null(document);
        Assert.Equal($"{path}: a string holds an escape that is not valid Unicode (a lone surrogate)", problem);
    }

    [Fact]
    public void EscapesThatDecode_AreAccepted()
    {
        using var document = JsonInput.Parse(Encoding.UTF8.GetBytes("""{"a":"\ud83d\ude00 \n \u00e9","\u00e9":["\"q\""]}"""), string.Empty, out var problem);

        Assert.NotNull(document);
        Assert.Null(problem);
    }
}
