namespace CloudAlmBridge.Configuration;

/// <summary>
/// One feature's rules for its part of <c>Bridge</c>, registered by that feature (<see cref="ConfigurationRules.AddConfigurationRule{TRule}"/>).
/// Every rule runs on every build, whatever the others found (as YARP's configuration validators do), so that one pass
/// reports every error; a rule that would only repeat another's error as a follow-on stays silent instead.
/// </summary>
internal interface IConfigurationRule
{
    /// <summary>Adds each error with its configuration key; a rule that builds something once (a file read, a certificate loaded) provides it as a part of the model.</summary>
    void Check(ConfigurationCheck check);
}
