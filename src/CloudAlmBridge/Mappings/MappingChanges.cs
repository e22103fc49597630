using CloudAlmBridge.Configuration;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Mappings;

/// <summary>How a change of a mapping ended.</summary>
internal enum MappingChangeOutcome
{
    /// <summary>Saved under a name no mapping had.</summary>
    Created,

    /// <summary>Saved over the mapping of that name, as its next version.</summary>
    Replaced,

    Deleted,

    /// <summary>No mapping has this name (a delete).</summary>
    Unknown,

    /// <summary>The name breaks <see cref="MappingNames"/>' rule.</summary>
    InvalidName,

    /// <summary>The mapping is built in or comes from the configuration: only mappings put over the API change.</summary>
    ReadOnly,

    /// <summary>A subscription in force uses the mapping (a delete).</summary>
    InUse,

    /// <summary>The mapping is not (any more) the version the change expected.</summary>
    Stale,

    /// <summary>The document is over <c>Bridge:Inbound:MaxBodyBytes</c>.</summary>
    TooLarge,

    /// <summary>The document is not readable JSON (UTF-8, depth, strings that decode).</summary>
    NotJson,

    /// <summary>The document is JSON but not a valid mapping: <see cref="MappingChangeResult.Errors"/> lists each error at its path.</summary>
    Invalid,
}

/// <summary>
/// A change's result: its outcome; the mapping it concerns as it is now (the one saved; the read-only or current one
/// it was refused for; null when there is none or it was deleted); the outcome in words; the document's errors.
/// </summary>
internal sealed record MappingChangeResult(MappingChangeOutcome Outcome, MappingEntry? Entry, string Detail, IReadOnlyList<MappingError> Errors)
{
    public static MappingChangeResult Of(MappingChangeOutcome outcome, MappingEntry? entry, string detail) => new(outcome, entry, detail, []);
}

/// <summary>
/// Saving and deleting a mapping put over the API (docs/api.md §4), one use case for the REST API and the console's
/// playground alike: the same rules in the same order (name, origin, expected version, document), the same words, and
/// the same log lines (events 4002 and 4003); the routes and pages only translate the result.
/// </summary>
internal sealed class MappingChanges(MappingCatalog catalog, StoredMappings stored, ActiveConfiguration configuration, TimeProvider timeProvider,
    ILogger<MappingChanges> logger)
{
    /// <summary>
    /// Saves <paramref name="document"/> (UTF-8, stored byte for byte: SAP's documents are accepted unchanged) under
    /// <paramref name="name"/>. A null document was over <c>Bridge:Inbound:MaxBodyBytes</c> when it was read: that is
    /// answered only after the name and the version, as every refusal that concerns the mapping comes first.
    /// </summary>
    public async Task<MappingChangeResult> SaveAsync(string name, ReadOnlyMemory<byte>? document, MappingPrecondition precondition,
        CancellationToken cancellationToken)
    {
        if (!MappingNames.IsValid(name))
        {
            return MappingChangeResult.Of(MappingChangeOutcome.InvalidName, null, MappingNames.Refusal(name));
        }

        // Another instance may have written a moment ago: what is compared is the database's version, not a second old.
        await stored.RefreshAsync(cancellationToken);
        var existing = catalog.Find(name);
        if (existing is { Origin: not MappingOrigin.Api })
        {
            return ReadOnly(existing);
        }

        if (!precondition.Admits(existing, out var expectedRevision))
        {
            return MappingChangeResult.Of(MappingChangeOutcome.Stale, existing, precondition.Refusal(name, existing));
        }

        if (document is not { } bytes)
        {
            return MappingChangeResult.Of(MappingChangeOutcome.TooLarge, existing,
                $"A mapping document may have at most {configuration.Current.Options.Inbound.MaxBodyBytes} bytes.");
        }

        using var parsed = JsonInput.Parse(bytes, string.Empty, out var problem);
        if (parsed is null)
        {
            return new MappingChangeResult(MappingChangeOutcome.NotJson, existing,
                "The mapping document is not readable JSON; the stored version is unchanged.", [new MappingError(string.Empty, problem!)]);
        }

        var compilation = MappingDocument.Compile(parsed.RootElement);
        if (compilation.Document is null)
        {
            return new MappingChangeResult(MappingChangeOutcome.Invalid, existing,
                $"The mapping document has {compilation.Errors.Count} error(s); the stored version is unchanged.", compilation.Errors);
        }

        var json = System.Text.Encoding.UTF8.GetString(bytes.Span);
        var entry = await stored.SaveAsync(name, json, compilation.Document, expectedRevision, timeProvider.GetUtcNow(), cancellationToken);
        if (entry is null)
        {
            // Another writer changed the mapping between the check and the write.
            var current = catalog.Find(name);
            return MappingChangeResult.Of(MappingChangeOutcome.Stale, current, precondition.Refusal(name, current));
        }

        MappingLog.MappingStored(logger, name, entry.Version);
        return MappingChangeResult.Of(existing is null ? MappingChangeOutcome.Created : MappingChangeOutcome.Replaced, entry,
            $"Saved '{entry.Name}' as version {entry.Version}; subscriptions that use it take it for their next event.");
    }

    public async Task<MappingChangeResult> DeleteAsync(string name, MappingPrecondition precondition, CancellationToken cancellationToken)
    {
        await stored.RefreshAsync(cancellationToken);
        if (catalog.Find(name) is not { } existing)
        {
            return MappingChangeResult.Of(MappingChangeOutcome.Unknown, null, $"No mapping '{name}' exists.");
        }

        if (existing.Origin != MappingOrigin.Api)
        {
            return ReadOnly(existing);
        }

        if (catalog.UsedBy(name) is { Count: > 0 } subscriptions)
        {
            return MappingChangeResult.Of(MappingChangeOutcome.InUse, existing,
                $"Mapping '{name}' is used by subscription(s) {string.Join(", ", subscriptions)}; point them at another mapping first.");
        }

        if (!precondition.Admits(existing, out var expectedRevision))
        {
            return MappingChangeResult.Of(MappingChangeOutcome.Stale, existing, precondition.Refusal(name, existing));
        }

        if (!await stored.DeleteAsync(name, expectedRevision, cancellationToken))
        {
            var current = catalog.Find(name);
            return MappingChangeResult.Of(MappingChangeOutcome.Stale, current, precondition.Refusal(name, current));
        }

        MappingLog.MappingDeleted(logger, name);
        return MappingChangeResult.Of(MappingChangeOutcome.Deleted, null, $"Deleted '{name}'.");
    }

    private static MappingChangeResult ReadOnly(MappingEntry entry) =>
        MappingChangeResult.Of(MappingChangeOutcome.ReadOnly, entry, entry.Origin == MappingOrigin.BuiltIn
            ? $"'{entry.Name}' is a built-in mapping; copy it under another name to change it."
            : $"'{entry.Name}' comes from the configuration (Bridge:Mappings:{entry.Name}); change its file instead.");
}
