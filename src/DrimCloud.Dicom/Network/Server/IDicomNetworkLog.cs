namespace DrimCloud.Dicom.Network;

public enum DicomLogLevel
{
    Debug,
    Information,
    Warning,
    Error,
}

/// <summary>
/// Where the network layer reports what happens (associations, rejections, aborts). A plain interface keeps the
/// library free of logging packages; hosts adapt it to their logger.
/// </summary>
public interface IDicomNetworkLog
{
    void Write(DicomLogLevel level, string message, Exception? error = null);
}

internal sealed class NullDicomNetworkLog : IDicomNetworkLog
{
    public static NullDicomNetworkLog Instance { get; } = new();

    public void Write(DicomLogLevel level, string message, Exception? error = null)
    {
    }
}
