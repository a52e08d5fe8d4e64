namespace DrimCloud.Dicom;

/// <summary>
/// The input is not valid DICOM (or not DICOM we can read safely). <see cref="Offset"/> is the byte position in the
/// source where the problem was found (-1 when it is not tied to a position) and <see cref="Reason"/> says what was
/// wrong, in one line, so that a tool can print "FILE: offset N: reason" without a stack trace.
/// </summary>
public sealed class DicomFormatException : Exception
{
    public DicomFormatException()
        : this(-1, "invalid DICOM data")
    {
    }

    public DicomFormatException(string message)
        : this(-1, message)
    {
    }

    public DicomFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Offset = -1;
        Reason = message;
    }

    public DicomFormatException(long offset, string reason, Exception? innerException = null)
        : base(offset >= 0 ? $"offset {offset}: {reason}" : reason, innerException)
    {
        Offset = offset;
        Reason = reason;
    }

    /// <summary>Byte offset in the source (file or stream) where the problem was detected, or -1.</summary>
    public long Offset { get; }

    public string Reason { get; }
}
