using System.ComponentModel.DataAnnotations;

namespace DrimCloud.Forwarder;

/// <summary>Configuration section <c>Forwarder</c> of the forwarder's <c>appsettings.json</c> (every key is in docs/forwarder.md).</summary>
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

    public DicomScpOptions Dicom { get; set; } = new();

    public SpoolOptions Spool { get; set; } = new();

    public UploadOptions Upload { get; set; } = new();

    public StatusOptions Status { get; set; } = new();
}

public sealed class CloudOptions
{
    /// <summary>Base URL of the DrimCloud API.</summary>
    [Required] public Uri? ApiUrl { get; set; }

    /// <summary>Base URL of DrimCloud.Identity (the token endpoint is <c>connect/token</c> under it).</summary>
    [Required] public Uri? IdentityUrl { get; set; }
}

/// <summary>The DICOM Storage SCP the PACS sends to.</summary>
public sealed class DicomScpOptions
{
    public string AeTitle { get; set; } = "DRIMCLOUD";

    /// <summary>TCP port; 0 picks a free one (tests), reported in the log and the status.</summary>
    [Range(0, 65535)] public int Port { get; set; } = 11112;

    /// <summary>Address to listen on: every interface by default (the PACS is another machine).</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Calling AE titles allowed to associate; empty accepts any.</summary>
    public List<string> AllowedCallingAeTitles { get; set; } = [];

    [Range(1, 1024)] public int MaxAssociations { get; set; } = 32;
}

public sealed class SpoolOptions
{
    /// <summary>Spool folder; empty: /var/lib/drimcloud-forwarder/spool on Linux when writable, else "spool" next to the executable.</summary>
    public string Folder { get; set; } = "";
}

public sealed class UploadOptions
{
    /// <summary>Most instances in one STOW-RS request (instances of one study only).</summary>
    [Range(1, 10000)] public int MaxInstancesPerRequest { get; set; } = 100;

    /// <summary>Most bytes in one STOW-RS request (an instance larger than this goes alone).</summary>
    [Range(1, long.MaxValue)] public long MaxBytesPerRequest { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// A batch below the limits waits until its study has received nothing for this long (the sender paused or the
    /// study is complete), so a burst goes in full batches rather than one request per two or three instances.
    /// Zero sends whatever is waiting at once.
    /// </summary>
    public TimeSpan BatchQuietTime { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>…but never longer than this after its oldest instance arrived (a slow, steady sender).</summary>
    public TimeSpan BatchMaxWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>STOW-RS requests in flight at once.</summary>
    [Range(1, 64)] public int Concurrency { get; set; } = 4;

    /// <summary>Upload bandwidth limit in bytes per second; 0 means unlimited.</summary>
    [Range(0, long.MaxValue)] public long BandwidthBytesPerSecond { get; set; }

    /// <summary>First retry delay after a failed request; doubled on each failure up to <see cref="MaxRetryDelay"/>, with jitter.</summary>
    public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Time allowed for one STOW-RS request before it is abandoned and retried.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(10);
}

public sealed class StatusOptions
{
    /// <summary>Port of the local status endpoint on 127.0.0.1 (<c>GET /status</c>); 0 picks a free one; -1 disables it.</summary>
    [Range(-1, 65535)] public int Port { get; set; } = 11180;
}
