namespace CloudAlmBridge.Configuration;

/// <summary>
/// Bearer tokens issued by the company's own identity service (SAP Cloud Identity, XSUAA, Entra ID, Keycloak...), for
/// BTP destinations that fetch their token there. Read at start: a change needs a restart.
/// </summary>
public sealed class JwtOptions
{
    /// <summary>The issuer's base URL; its OpenID metadata is read from <c>/.well-known/openid-configuration</c> below it.</summary>
    public string? Authority { get; set; }

    /// <summary>Instead of, or besides, <see cref="Authority"/>: the full URL of the OpenID metadata document.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>The <c>aud</c> the tokens must carry. Required when the issuer is configured.</summary>
    public string? Audience { get; set; }

    /// <summary>The claim that holds the bridge's roles (<c>events</c>, <c>admin</c>): a JSON array or a space-separated string.</summary>
    public string RolesClaim { get; set; } = "roles";

    /// <summary>
    /// The prefix of scopes that carry a role, as XSUAA writes them: <c>{ScopePrefix}.events</c>. Defaults to
    /// <see cref="Audience"/> (XSUAA's <c>aud</c> is the bridge's xsappname). Scopes of any other app never count.
    /// </summary>
    public string? ScopePrefix { get; set; }

    /// <summary>
    /// Whether a bare <c>events</c> or <c>admin</c> in the roles claim counts too. Off: an identity provider that hands
    /// out a generic <c>admin</c> role to another application must not make an admin here. On only where the claim holds
    /// this application's roles alone (Entra ID app roles, Keycloak client roles mapped to <c>roles</c>).
    /// </summary>
    public bool AcceptBareRoles { get; set; }

    /// <summary>The claim that names the caller, for logs and the per-client rate limit.</summary>
    public string NameClaim { get; set; } = "sub";

    /// <summary>Metadata and keys over https only. Off only for an issuer on this host in a test.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool IsEnabled => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(MetadataAddress);
}
