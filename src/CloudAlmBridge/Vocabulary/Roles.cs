namespace CloudAlmBridge.Vocabulary;

/// <summary>The two roles of docs/api.md §2 and §4; each is also the name of the authorization policy that requires it.</summary>
internal static class Roles
{
    public const string Events = "events";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Events, Admin];
}
