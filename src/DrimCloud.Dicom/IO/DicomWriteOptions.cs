namespace DrimCloud.Dicom;

/// <summary>Whether to write the preamble and file meta information.</summary>
public enum DicomFileFormat
{
    /// <summary>As the source was: a Part 10 file if it had meta information, a bare data set if it had none.</summary>
    AsRead,

    /// <summary>Always preamble + "DICM" + file meta information (PS3.10).</summary>
    Part10,

    /// <summary>The data set alone (as sent over DIMSE).</summary>
    DatasetOnly,
}

public sealed record DicomWriteOptions
{
    public static DicomWriteOptions Default { get; } = new();

    /// <summary>Target transfer syntax; null keeps the file's own. Conversion is possible between the uncompressed
    /// syntaxes (implicit LE, explicit LE, explicit BE, deflate); encapsulated data can only be written in its own syntax.</summary>
    public DicomTransferSyntax? TransferSyntax { get; init; }

    public DicomFileFormat FileFormat { get; init; } = DicomFileFormat.AsRead;

    /// <summary>Implementation Class UID (0002,0012) written when the meta information is (re)generated.</summary>
    public string ImplementationClassUid { get; init; } = DicomUid.ImplementationClassUid;

    /// <summary>Implementation Version Name (0002,0013) written when the meta information is (re)generated.</summary>
    public string ImplementationVersionName { get; init; } = DicomUid.ImplementationVersionName;

    public System.IO.Compression.CompressionLevel DeflateLevel { get; init; } = System.IO.Compression.CompressionLevel.Optimal;
}
