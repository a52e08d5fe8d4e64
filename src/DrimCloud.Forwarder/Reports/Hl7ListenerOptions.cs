namespace DrimCloud.Forwarder.Reports;

/// <summary>Configuration section <c>Forwarder:Hl7</c>: the RIS report listener and its spool.</summary>
public sealed class Hl7ListenerOptions
{
    public const string Section = "Forwarder:Hl7";

    /// <summary>Set to false on sites whose RIS does not send reports to DrimCloud.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Address the MLLP listener binds to (0.0.0.0: every interface; 127.0.0.1: this machine only).</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    public int Port { get; set; } = 2575;

    /// <summary>Largest message accepted (a report with its CDA and PDF is usually under 5 MB).</summary>
    public int MaxMessageBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Simultaneous RIS connections; more are refused until one closes.</summary>
    public int MaxConnections { get; set; } = 32;

    /// <summary>A connection silent for this long is closed (the RIS reconnects when it has something to send).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Folder of the report spool (pending/, rejected/, journal.log). Default: spool/reports next to the executable.</summary>
    public string SpoolDirectory { get; set; } = "";

    public string ResolveSpoolDirectory() => string.IsNullOrWhiteSpace(SpoolDirectory)
        ? Path.Combine(AppContext.BaseDirectory, "spool", "reports")
        : Path.GetFullPath(SpoolDirectory);
}
