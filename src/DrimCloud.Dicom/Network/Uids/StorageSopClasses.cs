using System.Collections.Frozen;

namespace DrimCloud.Dicom.Network;

/// <summary>
/// Every standard Storage SOP Class (PS3.4 Annex B and its siblings), generated from the DICOM registry.
/// </summary>
public static partial class StorageSopClasses
{
    // Built on first use: the generated Table lives in another part of this class, and static field initializers
    // of partial class parts run in an order that cannot be relied on.
    private static readonly Lazy<FrozenDictionary<string, DicomUidInfo>> ByUidTable = new(() => Table.ToFrozenDictionary(info => info.Uid, StringComparer.Ordinal));

    private static FrozenDictionary<string, DicomUidInfo> ByUid => ByUidTable.Value;

    public static IReadOnlyList<DicomUidInfo> All => Table;

    public static bool IsStorage(string sopClassUid) => ByUid.ContainsKey(sopClassUid);

    public static DicomUidInfo? Find(string sopClassUid) => ByUid.GetValueOrDefault(sopClassUid);
}
