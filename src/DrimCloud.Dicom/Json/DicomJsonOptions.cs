namespace DrimCloud.Dicom;

/// <summary>Identifies a value written as a BulkDataURI: the element and its path from the root ("00081140/0/7FE00010").</summary>
public readonly record struct DicomBulkDataReference(DicomElement Element, string Path);

/// <summary>How datasets are turned into DICOM JSON (PS3.18 Annex F).</summary>
public sealed record DicomJsonOptions
{
    public static DicomJsonOptions Default { get; } = new();

    /// <summary>Values (of OB, OW, OF, OD, OL, OV, UN and encapsulated pixel data) of at least this many bytes become a
    /// BulkDataURI when <see cref="BulkDataUriPrefix"/> or <see cref="BulkDataUriFactory"/> is set. Default 1 KiB.</summary>
    public int BulkDataThreshold { get; init; } = 1024;

    /// <summary>Simple bulk data URIs: prefix + "/" + the element path, e.g. "https://x/bulk/7FE00010".</summary>
    public string? BulkDataUriPrefix { get; init; }

    /// <summary>Custom bulk data URIs (wins over the prefix); return null to write the value inline.</summary>
    public Func<DicomBulkDataReference, string?>? BulkDataUriFactory { get; init; }

    /// <summary>Text is converted to Unicode in JSON, so (0008,0005) is written as "ISO_IR 192" (as DCMTK's dcm2json
    /// does); set to false to write the value found in the data set.</summary>
    public bool WriteCharacterSetAsUtf8 { get; init; } = true;

    /// <summary>Write group length elements (gggg,0000); the standard leaves them out.</summary>
    public bool IncludeGroupLengths { get; init; }

    /// <summary>When set, only the top-level elements whose tag it accepts are written (a sequence's items are
    /// written whole): a subset of a data set, such as its study-level attributes, without building another one.</summary>
    public Func<DicomTag, bool>? TopLevelFilter { get; init; }
}
