namespace CloudAlmBridge.Mappings;

/// <summary>
/// Which version of a mapping a change expects to replace or delete, and how a mismatch reads: the REST API's
/// <c>If-Match</c> (docs/api.md §4), or the version the console's playground loaded. The rule and its words stay
/// together, so each channel keeps its own wording of one check.
/// </summary>
internal abstract class MappingPrecondition
{
    /// <summary>No <c>If-Match</c>: the change is unconditional.</summary>
    public static MappingPrecondition None { get; } = new IfMatch(null, anyVersion: false);

    /// <summary>
    /// <c>If-Match</c> with these strong tags (a weak tag never matches); <paramref name="anyVersion"/> for <c>*</c>,
    /// which only asks that the mapping exists.
    /// </summary>
    public static MappingPrecondition IfMatchTags(IEnumerable<string> strongTags, bool anyVersion) => new IfMatch([.. strongTags], anyVersion);

    /// <summary>
    /// The playground's form: when the mapping exists it must still be the version the form loaded (<paramref name="eTag"/>,
    /// empty for a mapping that was new there); one that does not exist is saved as new, whatever the form opened first.
    /// </summary>
    public static MappingPrecondition AsLoaded(string eTag) => new Loaded(eTag);

    /// <summary>
    /// True when the change may go ahead on <paramref name="current"/> (null: no such mapping);
    /// <paramref name="expectedRevision"/> is then what the store must still find when it writes (null: any).
    /// </summary>
    public abstract bool Admits(MappingEntry? current, out long? expectedRevision);

    /// <summary>Why the change was refused, <paramref name="current"/> being the mapping as it is now (null: there is none).</summary>
    public abstract string Refusal(string name, MappingEntry? current);

    /// <param name="strongTags">null: the request had no <c>If-Match</c>.</param>
    /// <param name="anyVersion">It had <c>*</c>.</param>
    private sealed class IfMatch(IReadOnlyList<string>? strongTags, bool anyVersion) : MappingPrecondition
    {
        public override bool Admits(MappingEntry? current, out long? expectedRevision)
        {
            expectedRevision = null;
            if (strongTags is null)
            {
                return true;
            }

            if (current is null)
            {
                return false;
            }

            if (strongTags.Contains(current.ETag, StringComparer.Ordinal))
            {
                // The version that was matched goes to the store, which writes only if it is still current.
                expectedRevision = current.Revision;
                return true;
            }

            return anyVersion;
        }

        public override string Refusal(string name, MappingEntry? current) => current is null
            ? $"Mapping '{name}' does not exist, so If-Match cannot match."
            : $"Mapping '{name}' is at {current.ETag}, not the version in If-Match; read it again before changing it.";
    }

    private sealed class Loaded(string eTag) : MappingPrecondition
    {
        public override bool Admits(MappingEntry? current, out long? expectedRevision)
        {
            expectedRevision = current?.Revision;
            return current is null || current.ETag == eTag;
        }

        public override string Refusal(string name, MappingEntry? current) => current is null
            ? $"Mapping '{name}' was changed by someone else: open it again before saving."
            : $"Mapping '{current.Name}' was changed by someone else (it is at {current.ETag}, this form loaded {(eTag.Length == 0 ? "no version" : eTag)}): open it again before saving.";
    }
}
