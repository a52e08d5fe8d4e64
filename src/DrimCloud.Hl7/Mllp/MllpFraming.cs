namespace DrimCloud.Hl7.Mllp;

/// <summary>Minimal Lower Layer Protocol: <c>0x0B message 0x1C 0x0D</c>.</summary>
public static class MllpFraming
{
    public const byte StartBlock = 0x0B;
    public const byte EndBlock = 0x1C;
    public const byte CarriageReturn = 0x0D;
}

/// <summary>The byte stream is not valid MLLP, or a frame is larger than allowed. The connection should be closed.</summary>
public sealed class MllpFramingException(string message, byte[]? partialFrame = null) : IOException(message)
{
    /// <summary>What was received of the offending frame (at most the size limit), kept so nothing is silently lost.</summary>
    public byte[]? PartialFrame { get; } = partialFrame;
}
