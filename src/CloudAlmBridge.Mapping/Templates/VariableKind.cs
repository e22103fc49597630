namespace CloudAlmBridge.Mapping.Templates;

internal enum VariableKind
{
    UserVariable,
    CloudAlmUrl,
    ExternalId,
}
