namespace DrimCloud.Forwarder.Control;

/// <summary>
/// The hospital's PACS as the forwarder reaches it (section <c>Forwarder:Pacs</c>): where to C-FIND/C-MOVE studies
/// the cloud asks for, and where to C-STORE studies the cloud sends. Leave <see cref="Host"/> empty when the
/// forwarder only receives (pull and push commands then fail with a clear reason).
/// </summary>
public sealed class PacsOptions
{
    public const string Section = "Forwarder:Pacs";

    public string? Host { get; set; }
    public int Port { get; set; } = 104;

    /// <summary>The PACS's AE title (called AE of our associations).</summary>
    public string AeTitle { get; set; } = "PACS";

    /// <summary>Our AE title when we call the PACS.</summary>
    public string CallingAeTitle { get; set; } = "DRIMCLOUD";

    /// <summary>Where the PACS must send C-MOVEd instances: the forwarder's own Storage SCP, as declared in the PACS.</summary>
    public string MoveDestinationAeTitle { get; set; } = "DRIMCLOUD";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>Timing of the forwarder's conversation with the cloud's control plane (section <c>Forwarder:Control</c>).</summary>
public sealed class ControlOptions
{
    public const string Section = "Forwarder:Control";

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one command poll waits in the cloud before it answers "nothing" (the cloud allows up to 50 s).</summary>
    public int PollWaitSeconds { get; set; } = 25;

    /// <summary>Folder for studies on their way from the cloud to the PACS (push commands); emptied after each.</summary>
    public string? WorkFolder { get; set; }
}
