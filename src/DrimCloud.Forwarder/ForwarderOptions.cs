using System.ComponentModel.DataAnnotations;

namespace DrimCloud.Forwarder;

/// <summary>Configuration section <c>Forwarder</c> of the forwarder's <c>appsettings.json</c>.</summary>
public sealed class ForwarderOptions
{
    public const string Section = "Forwarder";

    /// <summary>The tenant this forwarder serves (its slug, as in <c>/tenants/{tenant}</c>).</summary>
    [Required] public string Tenant { get; set; } = "";

    /// <summary>OAuth2 client id registered for this forwarder in DrimCloud.</summary>
    [Required] public string ClientId { get; set; } = "";

    /// <summary>OAuth2 client secret. Keep it out of the file: set <c>Forwarder__ClientSecret</c> in the service's environment.</summary>
    public string ClientSecret { get; set; } = "";

    [Required] public CloudOptions Cloud { get; set; } = new();
}

public sealed class CloudOptions
{
    /// <summary>Base URL of the DrimCloud API.</summary>
    [Required] public Uri? ApiUrl { get; set; }

    /// <summary>Base URL of DrimCloud.Identity (the token endpoint is <c>connect/token</c> under it).</summary>
    [Required] public Uri? IdentityUrl { get; set; }
}
