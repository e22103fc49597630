using CloudAlmBridge.Mapping;

namespace CloudAlmBridge.Mappings;

/// <summary>A mapping by name: the document as given (unchanged) and its compiled plan.</summary>
internal sealed record MappingEntry(string Name, MappingOrigin Origin, string Json, MappingDocument Document);
