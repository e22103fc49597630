using System.Security.Cryptography.X509Certificates;
using CloudAlmBridge.Delivery.Tls;
using CloudAlmBridge.Mapping;
using CloudAlmBridge.Mappings;
using CloudAlmBridge.Security.Certificates;
using CloudAlmBridge.Storage;
using CloudAlmBridge.Vocabulary;

namespace CloudAlmBridge.Configuration;

/// <summary>
/// Validates <see cref="BridgeOptions"/> and resolves every reference, collecting every error with its configuration
/// key (not the first one only), so a user fixes a broken configuration in one pass.
/// </summary>
internal sealed class BridgeModelBuilder(string contentRoot, Func<string, bool> isStoredMapping)
{
    private const string Root = BridgeOptions.SectionName;

    public (BridgeModel? Model, IReadOnlyList<string> Errors) Build(BridgeOptions options)
    {
        var errors = new List<string>();
        var storageErrors = StorageSettings.Validate(options.Storage, Root).ToList();
        errors.AddRange(storageErrors);
        ValidateGeneral(options, errors);

        // With the storage itself misconfigured, stored mappings cannot be asked for: no follow-on "unknown mapping".
        var isStored = storageErrors.Count == 0 ? isStoredMapping : _ => true;
        ValidateSecurity(options.Security, errors);
        var hosts = new Dictionary<string, (string Destination, DestinationTls? Tls)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, destination) in options.Destinations)
        {
            ValidateDestination(name, destination, errors);
            ResolveTls(name, destination, hosts, errors);
        }

        var tlsByHost = hosts.Where(h => h.Value.Tls is not null).ToDictionary(h => h.Key, h => h.Value.Tls!, StringComparer.OrdinalIgnoreCase);

        foreach (var (name, webhook) in options.Webhooks)
        {
            ValidateWebhook(name, webhook, options, errors);
        }

        var mappings = LoadMappings(options, errors);
        var subscriptions = new Dictionary<string, ResolvedSubscription>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, subscription) in options.Subscriptions)
        {
            var resolved = ResolveSubscription(name, subscription, options, mappings, isStored, errors);
            if (resolved is not null)
            {
                subscriptions[name] = resolved;
            }
        }

        return errors.Count > 0 ? (null, errors) : (new BridgeModel(options, subscriptions, mappings, tlsByHost), errors);
    }

    private static void ValidateGeneral(BridgeOptions options, List<string> errors)
    {
        if (options.PublicBaseUrl is { Length: > 0 } baseUrl && !IsHttpUrl(baseUrl))
        {
            errors.Add($"{Root}:PublicBaseUrl: '{baseUrl}' is not an absolute http(s) URL");
        }


        if (options.Telemetry.OtlpEndpoint is { Length: > 0 } otlp && !IsHttpUrl(otlp))
        {
            errors.Add($"{Root}:Telemetry:OtlpEndpoint: '{otlp}' is not an absolute http(s) URL, e.g. http://otel-collector:4317");
        }

        if (!string.Equals(options.Telemetry.OtlpProtocol, TelemetryOptions.Grpc, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.Telemetry.OtlpProtocol, TelemetryOptions.HttpProtobuf, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{Root}:Telemetry:OtlpProtocol: '{options.Telemetry.OtlpProtocol}' must be '{TelemetryOptions.Grpc}' or '{TelemetryOptions.HttpProtobuf}'");
        }

        if (options.Inbound.WaitForDeliverySeconds is < 0 or > 120)
        {
            errors.Add($"{Root}:Inbound:WaitForDeliverySeconds: must be between 0 and 120 (is {options.Inbound.WaitForDeliverySeconds})");
        }

        if (options.Inbound.StoreTimeout < TimeSpan.FromMilliseconds(100) || options.Inbound.StoreTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{Root}:Inbound:StoreTimeout: must be between 00:00:00.1 and 00:05:00 (is {options.Inbound.StoreTimeout})");
        }

        if (options.Inbound.MaxConcurrentStores is < 1 or > 10_000)
        {
            errors.Add($"{Root}:Inbound:MaxConcurrentStores: must be between 1 and 10000 (is {options.Inbound.MaxConcurrentStores})");
        }

        ValidateForwardedHeaders(options.Inbound.ForwardedHeaders, errors);

        if (options.Inbound.MaxBodyBytes <= 0)
        {
            errors.Add($"{Root}:Inbound:MaxBodyBytes: must be positive (is {options.Inbound.MaxBodyBytes})");
        }

        var delivery = options.Delivery;

        // Every duration has an upper bound the runtime's timers accept (about 24.8 days for a wait): a value beyond
        // it would throw inside a background loop long after the start.
        foreach (var (name, value, max) in new (string, TimeSpan, TimeSpan)[]
        {
            ("AttemptTimeout", delivery.AttemptTimeout, TimeSpan.FromMinutes(30)),
            ("InlineRetryDelay", delivery.InlineRetryDelay, TimeSpan.FromMinutes(5)),
            ("MaxInlineRetryDelay", delivery.MaxInlineRetryDelay, TimeSpan.FromMinutes(5)),
            ("RetryBaseDelay", delivery.RetryBaseDelay, TimeSpan.FromDays(1)),
            ("RetryMaxDelay", delivery.RetryMaxDelay, TimeSpan.FromDays(1)),
            ("MaxRetryAge", delivery.MaxRetryAge, TimeSpan.FromDays(30)),
        })
        {
            if (value > max)
            {
                errors.Add($"{Root}:Delivery:{name}: must be at most {max} (is {value})");
            }
        }

        if (delivery.AttemptTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{Root}:Delivery:AttemptTimeout: must be positive");
        }

        if (delivery.MaxAnswerBytes is < 1024 or > 100 * 1024 * 1024)
        {
            errors.Add($"{Root}:Delivery:MaxAnswerBytes: must be between 1024 and 104857600 (is {delivery.MaxAnswerBytes})");
        }

        if (delivery.InlineRetries is < 0 or > 10)
        {
            errors.Add($"{Root}:Delivery:InlineRetries: must be between 0 and 10 (is {delivery.InlineRetries})");
        }

        if (delivery.InlineRetryDelay < TimeSpan.Zero || delivery.MaxInlineRetryDelay < delivery.InlineRetryDelay)
        {
            errors.Add($"{Root}:Delivery:InlineRetryDelay: must be at least zero and at most MaxInlineRetryDelay");
        }

        if (delivery.MaxAttempts < 1)
        {
            errors.Add($"{Root}:Delivery:MaxAttempts: must be at least 1 (is {delivery.MaxAttempts})");
        }

        if (delivery.MaxRetryAge <= TimeSpan.Zero)
        {
            errors.Add($"{Root}:Delivery:MaxRetryAge: must be positive");
        }

        if (delivery.RetryBaseDelay <= TimeSpan.Zero || delivery.RetryMaxDelay < delivery.RetryBaseDelay)
        {
            errors.Add($"{Root}:Delivery:RetryBaseDelay: must be positive and at most RetryMaxDelay");
        }

        if (delivery.MaxConcurrentDeliveries is < 1 or > 256)
        {
            errors.Add($"{Root}:Delivery:MaxConcurrentDeliveries: must be between 1 and 256 (is {delivery.MaxConcurrentDeliveries})");
        }

        if (delivery.MaxConcurrencyPerDestination is < 1 or > 64)
        {
            errors.Add($"{Root}:Delivery:MaxConcurrencyPerDestination: must be between 1 and 64 (is {delivery.MaxConcurrencyPerDestination})");
        }

        if (delivery.PollInterval <= TimeSpan.Zero || delivery.PollInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{Root}:Delivery:PollInterval: must be positive and at most 00:01:00 (is {delivery.PollInterval})");
        }

        // The owner renews its lease every third of it while the delivery runs; the lease only says how soon a dead
        // instance's claims are taken over.
        if (delivery.LeaseDuration < TimeSpan.FromSeconds(1) || delivery.LeaseDuration > TimeSpan.FromHours(1))
        {
            errors.Add($"{Root}:Delivery:LeaseDuration: must be between 00:00:01 and 01:00:00 (is {delivery.LeaseDuration})");
        }

        if (!string.Equals(options.Lifecycle.CloseWithoutTicket, LifecycleOptions.Skip, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.Lifecycle.CloseWithoutTicket, LifecycleOptions.CreateAndClose, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{Root}:Lifecycle:CloseWithoutTicket: '{options.Lifecycle.CloseWithoutTicket}' must be '{LifecycleOptions.Skip}' or '{LifecycleOptions.CreateAndClose}'");
        }
    }

    private static void ValidateSecurity(SecurityOptions security, List<string> errors)
    {
        if (security.PermitsPerMinute < 1)
        {
            errors.Add($"{Root}:Security:PermitsPerMinute: must be at least 1 (is {security.PermitsPerMinute})");
        }

        if (security.EventPermitsPerMinute < 1)
        {
            errors.Add($"{Root}:Security:EventPermitsPerMinute: must be at least 1 (is {security.EventPermitsPerMinute})");
        }

        if (security.ConsoleSessionLifetime < TimeSpan.FromMinutes(1) || security.ConsoleSessionLifetime > TimeSpan.FromHours(12))
        {
            errors.Add($"{Root}:Security:ConsoleSessionLifetime: must be between 00:01:00 and 12:00:00 (is {security.ConsoleSessionLifetime})");
        }

        var thumbprintOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, client) in security.Clients)
        {
            var key = $"{Root}:Security:Clients:{name}";
            if (!string.IsNullOrEmpty(client.Secret) && !string.IsNullOrEmpty(client.SecretHash))
            {
                errors.Add($"{key}:Secret: give at most one of Secret and SecretHash");
            }
            else if (string.IsNullOrEmpty(client.Secret) && string.IsNullOrEmpty(client.SecretHash) && client.CertificateThumbprints.Count == 0)
            {
                errors.Add($"{key}:Secret: give one of Secret, SecretHash or CertificateThumbprints; this client could not authenticate");
            }
            else if (client.SecretHash is { Length: > 0 } hash && !Security.SecretHash.TryParse(hash, out _))
            {
                errors.Add($"{key}:SecretHash: not of the form pbkdf2-sha256$iterations$salt$hash (iterations at least {Security.SecretHash.MinimumIterations}, salt and hash in base64)");
            }

            if (client.Roles.Count == 0)
            {
                errors.Add($"{key}:Roles: give at least one of '{Roles.Events}', '{Roles.Admin}'");
            }

            foreach (var role in client.Roles.Where(r => !Roles.All.Contains(r)))
            {
                errors.Add($"{key}:Roles: unknown role '{role}'; the roles are '{Roles.Events}' and '{Roles.Admin}'");
            }

            for (var i = 0; i < client.CertificateThumbprints.Count; i++)
            {
                var thumbprint = Thumbprints.Normalize(client.CertificateThumbprints[i]);
                if (thumbprint is null)
                {
                    errors.Add($"{key}:CertificateThumbprints:{i}: '{client.CertificateThumbprints[i]}' is not a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint");
                }
                else if (!thumbprintOwners.TryAdd(thumbprint, name) && thumbprintOwners[thumbprint] != name)
                {
                    errors.Add($"{key}:CertificateThumbprints:{i}: already registered for client '{thumbprintOwners[thumbprint]}'; a certificate identifies one client");
                }
            }
        }

        if (security.KeyRing.Key is { } keyRingKey && keyRingKey.Length < KeyRingOptions.MinimumKeyLength)
        {
            errors.Add($"{Root}:Security:KeyRing:Key: must be at least {KeyRingOptions.MinimumKeyLength} characters (e.g. the output of 'openssl rand -base64 48')");
        }

        ValidateTokens(security.Tokens, errors);
        ValidateJwt(security.Jwt, errors);
    }

    private static void ValidateForwardedHeaders(ForwardedHeadersSettings forwarded, List<string> errors)
    {
        var key = $"{Root}:Inbound:ForwardedHeaders";
        for (var i = 0; i < forwarded.KnownProxies.Count; i++)
        {
            if (!System.Net.IPAddress.TryParse(forwarded.KnownProxies[i], out _))
            {
                errors.Add($"{key}:KnownProxies:{i}: '{forwarded.KnownProxies[i]}' is not an IP address (a network goes under KnownNetworks, e.g. 10.0.0.0/8)");
            }
        }

        for (var i = 0; i < forwarded.KnownNetworks.Count; i++)
        {
            if (!System.Net.IPNetwork.TryParse(forwarded.KnownNetworks[i], out _))
            {
                errors.Add($"{key}:KnownNetworks:{i}: '{forwarded.KnownNetworks[i]}' is not a network in CIDR notation (e.g. 10.0.0.0/8 or fd00::/8)");
            }
        }

        if (forwarded.ForwardLimit is < 1 or > 10)
        {
            errors.Add($"{key}:ForwardLimit: must be between 1 and 10 (is {forwarded.ForwardLimit})");
        }
    }

    private static void ValidateTokens(TokenOptions tokens, List<string> errors)
    {
        var key = $"{Root}:Security:Tokens";
        if (tokens.SigningKey is { } signingKey && signingKey.Length < TokenOptions.MinimumKeyLength)
        {
            errors.Add($"{key}:SigningKey: must be at least {TokenOptions.MinimumKeyLength} characters (e.g. the output of 'openssl rand -base64 48')");
        }

        for (var i = 0; i < tokens.PreviousSigningKeys.Count; i++)
        {
            if (tokens.PreviousSigningKeys[i].Length < TokenOptions.MinimumKeyLength)
            {
                errors.Add($"{key}:PreviousSigningKeys:{i}: must be at least {TokenOptions.MinimumKeyLength} characters");
            }
        }

        if (tokens.Lifetime < TimeSpan.FromSeconds(1) || tokens.Lifetime > TimeSpan.FromDays(1))
        {
            errors.Add($"{key}:Lifetime: must be between 00:00:01 and 1.00:00:00 (is {tokens.Lifetime}); keep it short, 15 minutes is the default");
        }

        if (string.IsNullOrWhiteSpace(tokens.Issuer))
        {
            errors.Add($"{key}:Issuer: required");
        }

        if (string.IsNullOrWhiteSpace(tokens.Audience))
        {
            errors.Add($"{key}:Audience: required");
        }
    }

    private static void ValidateJwt(JwtOptions jwt, List<string> errors)
    {
        if (!jwt.IsEnabled)
        {
            return;
        }

        var key = $"{Root}:Security:Jwt";
        foreach (var (name, value) in new[] { ("Authority", jwt.Authority), ("MetadataAddress", jwt.MetadataAddress) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            if (!IsHttpUrl(value))
            {
                errors.Add($"{key}:{name}: '{value}' is not an absolute http(s) URL");
            }
            else if (jwt.RequireHttpsMetadata && value.StartsWith("http:", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{key}:{name}: '{value}' is not https; the issuer's keys must not be fetched in clear (RequireHttpsMetadata)");
            }
        }

        if (string.IsNullOrWhiteSpace(jwt.Audience))
        {
            errors.Add($"{key}:Audience: required when an issuer is configured: without it, any token of that issuer would do");
        }

        if (string.IsNullOrWhiteSpace(jwt.RolesClaim))
        {
            errors.Add($"{key}:RolesClaim: required");
        }

        if (string.IsNullOrWhiteSpace(jwt.NameClaim))
        {
            errors.Add($"{key}:NameClaim: required");
        }
    }

    private void ResolveTls(string name, DestinationOptions destination, Dictionary<string, (string Destination, DestinationTls? Tls)> hosts, List<string> errors)
    {
        var key = $"{Root}:Destinations:{name}";
        var isCertificate = string.Equals(destination.Authentication.Type, DestinationAuthenticationOptions.ClientCertificate, StringComparison.OrdinalIgnoreCase);
        X509Certificate2? certificate = null;
        if (isCertificate)
        {
            certificate = CertificateLoader.LoadClientCertificate(destination.Authentication, contentRoot, out var error);
            if (error is not null)
            {
                errors.Add($"{key}:Authentication:{error}");
            }
        }

        X509Certificate2Collection? authorities = null;
        if (!string.IsNullOrWhiteSpace(destination.TrustedCaFile))
        {
            authorities = CertificateLoader.LoadAuthorities(destination.TrustedCaFile, contentRoot, out var error);
            if (error is not null)
            {
                errors.Add($"{key}:{error}");
            }
        }

        if (!Uri.TryCreate(destination.Url, UriKind.Absolute, out var url))
        {
            return;
        }

        // One connection pool per host: a second destination there would present the first one's certificate.
        var tls = certificate is null && authorities is null ? null : new DestinationTls(name, certificate, authorities);
        var host = url.IdnHost;
        if (!hosts.TryAdd(host, (name, tls)) && (tls is not null || hosts[host].Tls is not null))
        {
            errors.Add($"{key}:Url: shares the host '{host}' with destination '{hosts[host].Destination}'; destinations on one host share TLS connections, so only one of them may have a client certificate or TrustedCaFile");
        }
    }

    private static void ValidateDestination(string name, DestinationOptions destination, List<string> errors)
    {
        var key = $"{Root}:Destinations:{name}";
        if (string.IsNullOrWhiteSpace(destination.Url))
        {
            errors.Add($"{key}:Url: required");
        }
        else if (HasUserInfo(destination.Url))
        {
            // The URL is not repeated: its user info may be a password, and this message reaches the log.
            errors.Add($"{key}:Url: holds credentials before '@'; put them in {key}:Authentication, which is never shown");
        }
        else if (!IsHttpUrl(destination.Url))
        {
            errors.Add($"{key}:Url: '{destination.Url}' is not an absolute http(s) URL");
        }
        else if (destination.Url.StartsWith("http:", StringComparison.OrdinalIgnoreCase) && !destination.AllowInsecureHttp)
        {
            errors.Add($"{key}:Url: '{destination.Url}' is not https; credentials and tickets would cross the network in clear (set AllowInsecureHttp only for a sandbox on this host)");
        }

        var authentication = destination.Authentication;
        var type = DestinationAuthenticationOptions.Known.FirstOrDefault(k => string.Equals(k, authentication.Type, StringComparison.OrdinalIgnoreCase));
        if (type is null)
        {
            errors.Add($"{key}:Authentication:Type: unknown type '{authentication.Type}'; use one of {string.Join(", ", DestinationAuthenticationOptions.Known)}");
        }
        else if (type == DestinationAuthenticationOptions.OAuth2ClientCredentials)
        {
            if (authentication.TokenUrl is not null && HasUserInfo(authentication.TokenUrl))
            {
                errors.Add($"{key}:Authentication:TokenUrl: holds credentials before '@'; give them as ClientId and ClientSecret");
            }
            else if (string.IsNullOrWhiteSpace(authentication.TokenUrl) || !IsHttpUrl(authentication.TokenUrl))
            {
                errors.Add($"{key}:Authentication:TokenUrl: required for {DestinationAuthenticationOptions.OAuth2ClientCredentials}, an absolute https URL");
            }
            else if (authentication.TokenUrl.StartsWith("http:", StringComparison.OrdinalIgnoreCase) && !destination.AllowInsecureHttp)
            {
                errors.Add($"{key}:Authentication:TokenUrl: '{authentication.TokenUrl}' is not https; the client secret would cross the network in clear");
            }

            if (string.IsNullOrEmpty(authentication.ClientId))
            {
                errors.Add($"{key}:Authentication:ClientId: required for {DestinationAuthenticationOptions.OAuth2ClientCredentials}");
            }

            if (string.IsNullOrEmpty(authentication.ClientSecret))
            {
                errors.Add($"{key}:Authentication:ClientSecret: required for {DestinationAuthenticationOptions.OAuth2ClientCredentials}");
            }
        }
        else if (type == DestinationAuthenticationOptions.ApiKeyHeader)
        {
            if (string.IsNullOrWhiteSpace(authentication.HeaderName) || authentication.HeaderName.Any(c => char.IsWhiteSpace(c) || c == ':'))
            {
                errors.Add($"{key}:Authentication:HeaderName: required for {DestinationAuthenticationOptions.ApiKeyHeader}, a header name such as 'x-sn-apikey'");
            }

            if (string.IsNullOrEmpty(authentication.HeaderValue))
            {
                errors.Add($"{key}:Authentication:HeaderValue: required for {DestinationAuthenticationOptions.ApiKeyHeader}");
            }
        }
        else if (type == DestinationAuthenticationOptions.Basic)
        {
            if (string.IsNullOrEmpty(authentication.User))
            {
                errors.Add($"{key}:Authentication:User: required for {DestinationAuthenticationOptions.Basic}");
            }

            if (string.IsNullOrEmpty(authentication.Password))
            {
                errors.Add($"{key}:Authentication:Password: required for {DestinationAuthenticationOptions.Basic}");
            }
        }
    }

    private static void ValidateWebhook(string name, WebhookOptions webhook, BridgeOptions options, List<string> errors)
    {
        var key = $"{Root}:Webhooks:{name}";
        if (string.IsNullOrWhiteSpace(webhook.Destination))
        {
            errors.Add($"{key}:Destination: required");
        }
        else if (!options.Destinations.ContainsKey(webhook.Destination))
        {
            errors.Add($"{key}:Destination: unknown destination '{webhook.Destination}'{Known(options.Destinations.Keys)}");
        }

        if (!WebhookOptions.DestinationTypes.Contains(webhook.DestinationType.ToUpperInvariant()))
        {
            errors.Add($"{key}:DestinationType: '{webhook.DestinationType}' must be one of {string.Join(", ", WebhookOptions.DestinationTypes)}");
        }

        if (webhook.Path.Length > 0 && webhook.Path[0] != '/')
        {
            errors.Add($"{key}:Path: '{webhook.Path}' must start with '/'");
        }

        if (!string.Equals(webhook.UnknownOutcome, WebhookOptions.Hold, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(webhook.UnknownOutcome, WebhookOptions.CreateAgain, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{key}:UnknownOutcome: '{webhook.UnknownOutcome}' must be '{WebhookOptions.Hold}' (the situation waits for an operator) "
                + $"or '{WebhookOptions.CreateAgain}' (a possible duplicate instead of a wait)");
        }

        if (webhook.TestPath is { } testPath)
        {
            if (webhook.Kind != TicketSystemKind.Generic)
            {
                errors.Add($"{key}:TestPath: only a GENERIC webhook takes a test path; {webhook.DestinationType} webhooks know their own harmless call");
            }
            else if (testPath.Length == 0 || testPath[0] is not ('/' or '?') || testPath.Contains("#{", StringComparison.Ordinal))
            {
                errors.Add($"{key}:TestPath: '{testPath}' must start with '/' or '?' and have no placeholder; it is appended to the webhook's URL, e.g. '?limit=1'");
            }
        }

        if (webhook.Jira is { } jira)
        {
            if (webhook.Kind != TicketSystemKind.Jira)
            {
                errors.Add($"{key}:Jira: only a JIRA webhook takes Jira settings; remove it, or set DestinationType to JIRA");
            }
            else if (!JiraWebhookOptions.Deployments.Contains(jira.Deployment, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{key}:Jira:Deployment: '{jira.Deployment}' must be one of {string.Join(", ", JiraWebhookOptions.Deployments)} "
                    + "(Auto asks GET /rest/api/2/serverInfo once)");
            }
        }

        if (webhook.Lookup is { } lookup)
        {
            if (lookup.SettleTime is { } settle && (settle < TimeSpan.Zero || settle > TimeSpan.FromHours(1)))
            {
                errors.Add($"{key}:Lookup:SettleTime: must be between 00:00:00 and 01:00:00 (is {settle})");
            }

            // A look-up block that only sets the settle time is every system's; a path is a generic target's own.
            if (webhook.Kind == TicketSystemKind.Generic || lookup.Path is not null || lookup.ResultsPointer.Length > 0)
            {
                CompileLookup(key, webhook, lookup, errors);
            }
        }
    }

    /// <summary>The generic look-up's path, compiled; null (with errors) when it is wrong.</summary>
    private static PathTemplate? CompileLookup(string key, WebhookOptions webhook, WebhookLookupOptions lookup, List<string> errors)
    {
        if (webhook.Kind != TicketSystemKind.Generic)
        {
            errors.Add($"{key}:Lookup: only a GENERIC webhook takes a look-up path; {webhook.DestinationType} webhooks look their tickets up by themselves (ServiceNow by correlation_id, Jira by label); remove Lookup:Path and Lookup:ResultsPointer (Lookup:SettleTime stays)");
            return null;
        }

        if (string.IsNullOrWhiteSpace(lookup.Path) || lookup.Path[0] is not ('/' or '?'))
        {
            errors.Add($"{key}:Lookup:Path: {(string.IsNullOrWhiteSpace(lookup.Path) ? "required" : $"'{lookup.Path}' must start with '/' or '?'")}; "
                + "it is appended to the webhook's URL with the mapping's placeholders, e.g. '?externalRef=#{id}'");
            return null;
        }

        if (!JsonPointer.IsValid(lookup.ResultsPointer))
        {
            errors.Add($"{key}:Lookup:ResultsPointer: '{lookup.ResultsPointer}' is not a JSON pointer; write '/{lookup.ResultsPointer}'");
        }

        var template = PathTemplate.Compile(lookup.Path, "path", out var templateErrors);
        errors.AddRange(templateErrors.Select(e => $"{key}:Lookup:Path: {e.Message}{(e.Hint is null ? string.Empty : $"; {e.Hint}")}"));
        return template;
    }

    private Dictionary<string, MappingEntry> LoadMappings(BridgeOptions options, List<string> errors)
    {
        var mappings = new Dictionary<string, MappingEntry>(BuiltInMappings.All, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, source) in options.Mappings)
        {
            var key = $"{Root}:Mappings:{name}";
            if (BuiltInMappings.All.ContainsKey(name))
            {
                errors.Add($"{key}: '{name}' is a built-in mapping; give yours another name");
                continue;
            }

            if (string.IsNullOrWhiteSpace(source.File))
            {
                errors.Add($"{key}:File: required");
                continue;
            }

            var path = Path.IsPathRooted(source.File) ? source.File : Path.Combine(contentRoot, source.File);
            string json;
            try
            {
                json = File.ReadAllText(path);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                errors.Add($"{key}:File: cannot read '{path}': {exception.Message}");
                continue;
            }

            var compilation = MappingDocument.Compile(json);
            if (compilation.Document is null)
            {
                errors.AddRange(compilation.Errors.Select(e => $"{key}: {e}"));
                continue;
            }

            mappings[name] = new MappingEntry(name, MappingOrigin.Configuration, json, compilation.Document);
        }

        return mappings;
    }

    private static ResolvedSubscription? ResolveSubscription(string name, SubscriptionOptions subscription, BridgeOptions options,
        Dictionary<string, MappingEntry> mappings, Func<string, bool> isStored, List<string> errors)
    {
        var key = $"{Root}:Subscriptions:{name}";
        var errorCount = errors.Count;
        if (string.IsNullOrWhiteSpace(subscription.ResourceType))
        {
            errors.Add($"{key}:ResourceType: required, e.g. 'EVENT-SITUATION'");
        }
        else if (!string.Equals(subscription.ResourceType, "EVENT-SITUATION", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(subscription.ResourceType, "EVENT-SITUATIONS", StringComparison.OrdinalIgnoreCase))
        {
            // Only event situations' messages are accepted (docs/api.md §2): any other resource type would refuse every event.
            errors.Add($"{key}:ResourceType: '{subscription.ResourceType}' is not bridged; this version takes 'EVENT-SITUATION' (or 'EVENT-SITUATIONS')");
        }

        if (subscription.CloudAlmUrl is { Length: > 0 } cloudAlmUrl && !IsHttpUrl(cloudAlmUrl))
        {
            errors.Add($"{key}:CloudAlmUrl: '{cloudAlmUrl}' is not an absolute http(s) URL");
        }

        WebhookOptions? webhook = null;
        DestinationOptions? destination = null;
        if (string.IsNullOrWhiteSpace(subscription.Webhook))
        {
            errors.Add($"{key}:Webhook: required");
        }
        else if (!options.Webhooks.TryGetValue(subscription.Webhook, out webhook))
        {
            errors.Add($"{key}:Webhook: unknown webhook '{subscription.Webhook}'{Known(options.Webhooks.Keys)}");
        }
        else if (webhook.Destination is not null)
        {
            options.Destinations.TryGetValue(webhook.Destination, out destination);
        }

        var mappingName = subscription.Mapping is { Length: > 0 } ? subscription.Mapping : webhook is null ? null : BuiltInMappings.DefaultFor(webhook);
        if (mappingName is not null && options.Mappings.ContainsKey(mappingName) && !mappings.ContainsKey(mappingName))
        {
            // The mapping is configured but its file failed, with its own errors: "unknown mapping" would be a false follow-on.
            return null;
        }

        if (mappingName is not null && !mappings.ContainsKey(mappingName) && !isStored(mappingName))
        {
            errors.Add(subscription.Mapping is { Length: > 0 }
                ? $"{key}:Mapping: unknown mapping '{mappingName}'{Known(mappings.Keys)}"
                : $"{key}:Mapping: the webhook's default mapping '{mappingName}' is not available; name a Mapping");
        }
        else if (mappingName is null && webhook is not null)
        {
            var resource = webhook.ExternalResourceType is { Length: > 0 } type ? $" '{type}'" : string.Empty;
            errors.Add($"{key}:Mapping: required, as no built-in mapping writes a {webhook.DestinationType}{resource} (built in: SNOW Incident and Case, JIRA)");
        }

        foreach (var required in mappingName is null ? [] : BuiltInMappings.RequiredUserVariables(mappingName))
        {
            if (!subscription.UserVariables.TryGetValue(required.Name, out var value) || string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{key}:UserVariables:{required.Name}: required by the built-in mapping '{mappingName}': {required.Purpose}");
            }
        }

        if (errors.Count > errorCount || webhook is null || destination is null || mappingName is null)
        {
            return null;
        }

        // Compiled once per subscription: a webhook's errors were reported when the webhook was validated.
        var lookup = webhook.Lookup is { Path: not null } lookupOptions ? CompileLookup(string.Empty, webhook, lookupOptions, []) : null;
        return new ResolvedSubscription(name, subscription,
            new ResolvedWebhook(subscription.Webhook!, webhook, webhook.Destination!, destination, lookup), mappingName);
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static bool HasUserInfo(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri.UserInfo.Length > 0 : value.Contains('@', StringComparison.Ordinal);

    private static string Known(IEnumerable<string> names)
    {
        var list = names.Order(StringComparer.OrdinalIgnoreCase).ToList();
        return list.Count == 0 ? " (none is configured)" : $"; known: {string.Join(", ", list)}";
    }
}
