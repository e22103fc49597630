namespace CloudAlmBridge.Mapping.Templates;

/// <summary>The dot paths used in validation errors: <c>structure.request.urgency</c>.</summary>
internal static class JsonPaths
{
    public static string Property(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";
}
