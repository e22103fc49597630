namespace CloudAlmBridge.Mapping;

/// <summary>The outcome of compiling a mapping document: the plan, or every error found.</summary>
public sealed class MappingCompilation
{
    internal MappingCompilation(MappingDocument? document, IReadOnlyList<MappingError> errors)
    {
        Document = document;
        Errors = errors;
    }

    /// <summary>The compiled document; null when <see cref="Errors"/> is not empty.</summary>
    public MappingDocument? Document { get; }

    public IReadOnlyList<MappingError> Errors { get; }

    public bool Succeeded => Document is not null;
}
