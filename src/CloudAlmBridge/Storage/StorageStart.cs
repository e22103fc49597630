using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using CloudAlmBridge.Configuration;

namespace CloudAlmBridge.Storage;

/// <summary>
/// The storage before the configuration's validation, which may read the mappings stored there. In the bridge's own
/// process: the start creates or migrates the schema, <c>--check</c> only reads its version (it changes nothing); and
/// what stops either (a database of a newer bridge, a storage that cannot be reached) is said in one line with exit
/// code 1, like a configuration error, instead of a stack trace and an abort.
/// </summary>
internal static class StorageStart
{
    /// <summary>For <c>--check</c>, before the host is built (building it may already read the database): change nothing there.</summary>
    public static void ChangeNothing(WebApplicationBuilder builder) => builder.Services.AddSingleton(new SchemaMigrationPolicy(MayMigrate: false));

    /// <summary>
    /// Builds the host, with a storage failure met on the way said in one line: Kestrel reads the options while it is
    /// built, and their validation may read the mappings stored in the database.
    /// </summary>
    public static bool TryBuild(WebApplicationBuilder builder, TextWriter output, bool check, [NotNullWhen(true)] out WebApplication? app)
    {
        app = null;
        try
        {
            return ConfigurationReport.TryBuild(builder, output, out app);
        }
        catch (Exception exception) when (BridgeContentRoot.IsTheBridgesOwnProcess && Report(exception, builder.Configuration, check, output))
        {
            return false;
        }
    }

    public static async Task<bool> TryPrepareAsync(WebApplication app, bool check, TextWriter output)
    {
        // A test's host is started by its factory, whose StorageInitializer reports the exception itself.
        if (!ConfigurationReport.ServedByKestrel(app))
        {
            return true;
        }

        var database = app.Services.GetRequiredService<BridgeDatabase>();
        try
        {
            if (check)
            {
                if (await database.StoredSchemaVersionAsync(app.Lifetime.ApplicationStopping) is { } stored && stored > database.SchemaVersion)
                {
                    throw new SchemaTooNewException($"{database.Provider.Name} {database.Provider.Location}", stored, database.SchemaVersion);
                }
            }
            else
            {
                // Before anything writes: a second process on one SQLite file stops here (--check only reads, beside a running bridge).
                if (database.Provider.TakeProcessLock() is { } processLock)
                {
                    app.Lifetime.ApplicationStopped.Register(processLock.Dispose);
                }

                await database.InitializeAsync(app.Lifetime.ApplicationStopping);
            }

            return true;
        }
        catch (Exception exception) when (Report(exception, app.Configuration, check, output))
        {
            return false;
        }
    }

    /// <summary>The configuration's validation, with a storage failure met on the way (reading stored mappings) said in one line.</summary>
    public static bool TryValidate(WebApplication app, TextWriter output, bool check)
    {
        try
        {
            return ConfigurationReport.TryValidate(app, output);
        }
        catch (Exception exception) when (ConfigurationReport.ServedByKestrel(app) && Report(exception, app.Configuration, check, output))
        {
            return false;
        }
    }

    private static bool Report(Exception exception, IConfiguration configuration, bool check, TextWriter output)
    {
        // As --check names the storage everywhere: "PostgreSql (db/bridge)", never the connection string.
        // Read straight from the configuration: the options' validation is what may have failed on the storage.
        var storage = InForce.Storage(configuration.GetSection($"{BridgeOptions.SectionName}:Storage").Get<StorageOptions>() ?? new StorageOptions());
        var message = exception switch
        {
            SchemaVersionException schema => schema.Message,
            StorageInUseException inUse => inUse.Message,
            DbException or IOException or UnauthorizedAccessException or TimeoutException => $"{storage} cannot be reached: {exception.Message}",
            _ => null,
        };
        if (message is null)
        {
            return false;
        }

        output.WriteLine(check ? $"Storage: {message}" : $"CloudAlmBridge did not start: {message}");
        if (check)
        {
            output.WriteLine("Check failed.");
        }

        return true;
    }
}

/// <summary>Whether this process may create or migrate the schema: not <c>--check</c>, which only looks.</summary>
internal sealed record SchemaMigrationPolicy(bool MayMigrate);
