using System.Buffers.Binary;

namespace DrimCloud.Dicom.Network;

/// <summary>
/// Preamble, "DICM" and file meta information for an instance received over the network: what turns the
/// dataset bytes of a C-STORE into a Part 10 file (PS3.10 section 7.1). The meta elements are encoded by the core
/// writer; the group length is computed from them.
/// </summary>
public static class Part10Meta
{
    public static byte[] Build(DicomStoreRequest request) =>
        Build(request.SopClassUid, request.SopInstanceUid, request.TransferSyntaxUid, request.CallingAeTitle);

    public static byte[] Build(string sopClassUid, string sopInstanceUid, string transferSyntaxUid, string? sourceAeTitle = null)
    {
        var meta = new DicomDataset();
        meta.SetRaw(new DicomTag(0x0002, 0x0001), DicomVR.OB, [0x00, 0x01]);
        meta.SetString(new DicomTag(0x0002, 0x0002), DicomVR.UI, sopClassUid);
        meta.SetString(new DicomTag(0x0002, 0x0003), DicomVR.UI, sopInstanceUid);
        meta.SetString(new DicomTag(0x0002, 0x0010), DicomVR.UI, transferSyntaxUid);
        meta.SetString(new DicomTag(0x0002, 0x0012), DicomVR.UI, WellKnownUids.ImplementationClassUid);
        meta.SetString(new DicomTag(0x0002, 0x0013), DicomVR.SH, WellKnownUids.ImplementationVersionName);
        if (!string.IsNullOrEmpty(sourceAeTitle))
            meta.SetString(new DicomTag(0x0002, 0x0016), DicomVR.AE, sourceAeTitle);

        using var elements = new MemoryStream();
        DicomWriter.WriteDataset(meta, elements, DicomTransferSyntax.ExplicitVRLittleEndian);

        var header = new byte[128 + 4 + 12 + elements.Length];
        "DICM"u8.CopyTo(header.AsSpan(128));
        var groupLength = header.AsSpan(132);
        BinaryPrimitives.WriteUInt16LittleEndian(groupLength, 0x0002);
        BinaryPrimitives.WriteUInt16LittleEndian(groupLength[2..], 0x0000);
        groupLength[4] = (byte)'U';
        groupLength[5] = (byte)'L';
        BinaryPrimitives.WriteUInt16LittleEndian(groupLength[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength[8..], (uint)elements.Length);
        elements.GetBuffer().AsSpan(0, (int)elements.Length).CopyTo(header.AsSpan(144));
        return header;
    }
}
