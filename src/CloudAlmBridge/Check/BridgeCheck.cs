using System.Data.Common;
using CloudAlmBridge.Configuration;
using CloudAlmBridge.Mappings;
using CloudAlmBridge.Storage;
using CloudAlmBridge.TicketSystems;

namespace CloudAlmBridge.Check;

/// <summary>
/// <c>--check</c>: validates the configuration and the mapping files, reaches the storage, asks each Jira webhook's Jira
/// which deployment it is and whether its search works, prints what would be in force (each subscription → webhook →
/// destination → mapping) and exits 0 or 1, serving nothing. For a change before it
/// is rolled out, and for a container's first run.
/// </summary>
internal static class BridgeCheck
{
    public const string Flag = "--check";

    public static bool Requested(string[] args) => args.Any(a => string.Equals(a, Flag, StringComparison.OrdinalIgnoreCase));

    /// <summary>The arguments without the flag: the command line's configuration provider would read it as a key.</summary>
    public static string[] WithoutFlag(string[] args) => args.Where(a => !string.Equals(a, Flag, StringComparison.OrdinalIgnoreCase)).ToArray();

    public static async Task<int> RunAsync(IServiceProvider services, TextWriter output)
    {
        var configuration = services.GetRequiredService<ActiveConfiguration>();
        var model = configuration.Current;

        // Outside Development the start validation has refused these already; in Development --check says them too.
        if (Placeholders.Find(services.GetRequiredService<IConfiguration>()) is { Count: > 0 } placeholders)
        {
            ConfigurationReport.Write(output, placeholders);
            output.WriteLine("Check failed.");
            return 1;
        }

        var warnings = UnknownSettings.Find(services.GetRequiredService<IConfiguration>()).Concat(UnknownSettings.Unused(model.Options)).ToList();
        foreach (var warning in warnings)
        {
            output.WriteLine($"  warning: {warning}");
        }

        output.WriteLine($"Files (appsettings, mappings, relative paths) from: {services.GetRequiredService<IHostEnvironment>().ContentRootPath}");
        output.WriteLine($"Configuration: valid; {InForce.Subscriptions(model)}.");
        foreach (var chain in Chains(model))
        {
            output.WriteLine($"  {chain}");
        }

        if (model.Subscriptions.Count == 0)
        {
            output.WriteLine("  warning: no subscription is configured: every event would be answered 404");
        }

        var storage = InForce.Storage(model.Options.Storage);
        var provider = services.GetRequiredService<StorageProvider>();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await provider.PrepareAsync(timeout.Token);
            await using var connection = provider.CreateConnection();
            await connection.OpenAsync(timeout.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(timeout.Token);

            // The start would refuse a database a newer bridge migrated: so does the check.
            var database = services.GetRequiredService<BridgeDatabase>();
            var stored = await database.StoredSchemaVersionAsync(timeout.Token);
            if (stored > database.SchemaVersion)
            {
                output.WriteLine($"Storage: {storage} has schema version {stored}, newer than this bridge's {database.SchemaVersion}: upgrade the bridge.");
                output.WriteLine("Check failed.");
                return 1;
            }

            output.WriteLine(stored switch
            {
                null => $"Storage: {storage} reachable; no schema yet: the start creates it (version {database.SchemaVersion}).",
                var v when v < database.SchemaVersion => $"Storage: {storage} reachable; schema version {v}: the start migrates it to {database.SchemaVersion}.",
                _ => $"Storage: {storage} reachable; schema version {stored}.",
            });
        }
        catch (Exception exception) when (exception is DbException or IOException or UnauthorizedAccessException or OperationCanceledException
                                              or InvalidOperationException or ArgumentException)
        {
            output.WriteLine($"Storage: {storage} cannot be reached: {exception.Message}");
            output.WriteLine("Check failed.");
            return 1;
        }

        // Jira's search differs between Cloud and Data Center: say which one each Jira webhook found, and whether its
        // look-up before a create works, since a refused one holds every new situation.
        var failed = false;
        var systems = services.GetRequiredService<TicketSystemRegistry>();
        foreach (var webhook in model.Subscriptions.Values.Select(s => s.Webhook).Where(w => systems.For(w).CheckedAtStart)
                     .DistinctBy(w => w.Name, StringComparer.OrdinalIgnoreCase))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var lookup = await DestinationProbe.CheckLookupAsync(systems.For(webhook), webhook, timeout.Token);
            if (lookup is null)
            {
                continue;
            }

            if (lookup.System is null)
            {
                warnings.Add(lookup.Summary);
                output.WriteLine($"  warning: {webhook.Options.DestinationType.ToUpperInvariant()} webhook {webhook.Name}: {lookup.Summary}");
            }
            else
            {
                failed |= !lookup.Works;
                output.WriteLine($"{webhook.Options.DestinationType.ToUpperInvariant()} webhook {webhook.Name}: {lookup.Summary}");
            }
        }

        if (failed)
        {
            output.WriteLine("Check failed.");
            return 1;
        }

        output.WriteLine(warnings.Count == 0 ? "Check passed." : $"Check passed with {warnings.Count} warning(s).");
        return 0;
    }

    /// <summary>
    /// One line per subscription: <c>calm-to-snow → webhook snow-incident (SNOW /api/now/table/incident) → destination
    /// servicenow (https://acme.service-now.com, BasicAuthentication) → mapping servicenow-incident (built-in)</c>.
    /// </summary>
    private static IEnumerable<string> Chains(BridgeModel model) =>
        model.Subscriptions.Values.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Select(s =>
        {
            var webhook = s.Webhook;
            var origin = model.Parts.Get<ConfiguredMappings>().Entries.TryGetValue(s.MappingName, out var entry)
                ? entry.Origin == MappingOrigin.BuiltIn ? "built-in" : "from configuration"
                : "stored over REST";
            var lookup = webhook.LookupPath is null ? string.Empty : ", with a look-up";
            return $"{s.Name}{InForce.Traits(s.Options)} → webhook {webhook.Name} ({webhook.Options.DestinationType.ToUpperInvariant()} "
                + $"{(webhook.Options.Path.Length == 0 ? "/" : webhook.Options.Path)}{lookup}) → destination {webhook.DestinationName} "
                + $"({webhook.Destination.Url}, {webhook.Destination.Authentication.Type}) → mapping {s.MappingName} ({origin})";
        });
}
