namespace CloudAlmBridge.Mappings;

/// <summary>A user variable a built-in mapping cannot do without, and what the ticket system does with it.</summary>
/// <param name="Name">The name in <c>#{@USER_VAR(name)}</c> and in the subscription's <c>UserVariables</c>.</param>
/// <param name="Purpose">What it is for, in words an operator can act on.</param>
internal sealed record RequiredUserVariable(string Name, string Purpose);
