using System.Collections.Frozen;

namespace DrimCloud.Dicom.Network;

/// <summary>The standard transfer syntaxes, generated from the DICOM registry, plus the ones the network layer names.</summary>
public static partial class KnownTransferSyntaxes
{
    public const string ImplicitVRLittleEndian = "1.2.840.10008.1.2";
    public const string ExplicitVRLittleEndian = "1.2.840.10008.1.2.1";
    public const string DeflatedExplicitVRLittleEndian = "1.2.840.10008.1.2.1.99";
    public const string ExplicitVRBigEndian = "1.2.840.10008.1.2.2";

    // Built on first use: the generated Table lives in another part of this class, and static field initializers
    // of partial class parts run in an order that cannot be relied on.
    private static readonly Lazy<FrozenDictionary<string, DicomUidInfo>> ByUidTable = new(() => Table.ToFrozenDictionary(info => info.Uid, StringComparer.Ordinal));

    private static FrozenDictionary<string, DicomUidInfo> ByUid => ByUidTable.Value;

    public static IReadOnlyList<DicomUidInfo> All => Table;

    public static bool IsKnown(string transferSyntaxUid) => ByUid.ContainsKey(transferSyntaxUid);

    public static DicomUidInfo? Find(string transferSyntaxUid) => ByUid.GetValueOrDefault(transferSyntaxUid);

    /// <summary>The three native (unencapsulated, undeflated) syntaxes, which any receiver must be able to take.</summary>
    public static IReadOnlyList<string> Uncompressed { get; } = [ExplicitVRLittleEndian, ImplicitVRLittleEndian, ExplicitVRBigEndian];

    public static bool IsUncompressed(string transferSyntaxUid) =>
        transferSyntaxUid is ImplicitVRLittleEndian or ExplicitVRLittleEndian or ExplicitVRBigEndian;
}
