using System.IO.Compression;

namespace DrimCloud.Dicom;

/// <summary>
/// Writes Part 10 files and bare data sets. An unchanged dataset written in its own transfer syntax is byte-identical
/// to what was read: values are copied raw, lengths that were undefined stay undefined, defined lengths are
/// recomputed (which gives the same numbers when nothing changed), and group lengths and trailing padding are kept.
/// Converting between uncompressed syntaxes swaps byte order where needed, adds or drops VRs, recomputes every
/// defined length and drops the (retired) data set group lengths. Large values left in the source are streamed,
/// never loaded whole.
/// </summary>
public static class DicomWriter
{
    public static void Save(DicomFile file, string path, DicomWriteOptions? options = null)
    {
        using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        Write(file, output, options);
    }

    public static void Write(DicomFile file, Stream output, DicomWriteOptions? options = null)
    {
        options ??= DicomWriteOptions.Default;
        var target = options.TransferSyntax ?? file.TransferSyntax;
        var converting = target.Uid != file.TransferSyntax.Uid || file.TransferSyntaxMismatch;
        CheckConvertible(file.TransferSyntax, target);

        // Data set group lengths (retired) are kept only when they are still right: same encoding, nothing changed.
        var dropGroupLengths = converting || file.Dataset.IsModified;

        var format = options.FileFormat;
        if (format == DicomFileFormat.AsRead)
        {
            format = file.Meta.Count > 0 || !file.HasValueSourceOrBuffer() ? DicomFileFormat.Part10 : DicomFileFormat.DatasetOnly;
        }

        using var sink = new DicomOutputBuffer(output);
        if (format == DicomFileFormat.Part10)
        {
            if (file.HasPreamble || file.Meta.Count == 0 || converting)
            {
                if (file.HasPreamble)
                {
                    sink.Write(file.Preamble);
                }
                else
                {
                    sink.Fill(0, 128);
                }

                sink.Write("DICM"u8);
            }

            var meta = BuildMeta(file, target, converting, options);
            new ElementWriter(sink, DicomTransferSyntax.ExplicitVRLittleEndian, converting: false, dropGroupLengths: false).WriteDataset(meta);
        }

        if (target.IsDeflated && !converting && !file.Dataset.IsModified && file.HasValueSource && file.SourceLength > file.DatasetOffset)
        {
            // Unchanged deflated data set: copy the compressed bytes as they were (a new compressor would not
            // produce the same bytes, and there is nothing to recompress).
            sink.CopyFromSource(file.Dataset, file.DatasetOffset, file.SourceLength - file.DatasetOffset, swapUnit: 1);
            return;
        }

        if (target.IsDeflated)
        {
            sink.Flush();
            using var deflate = new DeflateStream(output, options.DeflateLevel, leaveOpen: true);
            using (var deflated = new DicomOutputBuffer(deflate))
            {
                new ElementWriter(deflated, target, converting, dropGroupLengths).WriteDataset(file.Dataset);
                WriteTrailingPadding(file, deflated, converting);
            }

            return;
        }

        new ElementWriter(sink, target, converting, dropGroupLengths).WriteDataset(file.Dataset);
        WriteTrailingPadding(file, sink, converting);
    }

    /// <summary>Writes a data set alone (no preamble, no meta) in <paramref name="transferSyntax"/>, e.g. for a DIMSE message.</summary>
    public static void WriteDataset(DicomDataset dataset, Stream output, DicomTransferSyntax transferSyntax)
    {
        using var sink = new DicomOutputBuffer(output);
        new ElementWriter(sink, transferSyntax, converting: false, dropGroupLengths: true).WriteDataset(dataset);
    }

    private static bool HasValueSourceOrBuffer(this DicomFile file) => file.HasValueSource || file.Dataset.SharedBuffer is not null;

    private static void CheckConvertible(DicomTransferSyntax from, DicomTransferSyntax to)
    {
        if (from.Uid == to.Uid)
        {
            return;
        }

        if (from.IsEncapsulated || to.IsEncapsulated)
        {
            throw new NotSupportedException($"cannot convert from {from.Name} to {to.Name}: only uncompressed transfer syntaxes (and deflate) can be converted (no image codecs)");
        }
    }

    private static void WriteTrailingPadding(DicomFile file, DicomOutputBuffer sink, bool converting)
    {
        if (converting || file.TrailingPaddingLength == 0)
        {
            return;
        }

        if (file.TrailingPaddingBufferOffset >= 0)
        {
            sink.Write(file.Dataset.Buffer.AsSpan(file.TrailingPaddingBufferOffset, (int)file.TrailingPaddingLength));
        }
        else
        {
            sink.CopyFromSource(file.Dataset, file.TrailingPaddingOffset, file.TrailingPaddingLength, swapUnit: 1);
        }
    }

    /// <summary>The meta information to write: as read when the syntax is unchanged, otherwise regenerated. Its group
    /// length (0002,0000) is always recomputed.</summary>
    private static DicomDataset BuildMeta(DicomFile file, DicomTransferSyntax target, bool converting, DicomWriteOptions options)
    {
        var meta = new DicomDataset();
        foreach (var element in file.Meta)
        {
            if (element.Tag != DicomTag.FileMetaInformationGroupLength)
            {
                meta.SetRawExact(element.Tag, element.VR, element.RawValue);
            }
        }

        if (!meta.Contains(new DicomTag(0x00020001)))
        {
            meta.SetRaw(new DicomTag(0x00020001), DicomVR.OB, [0x00, 0x01]);
        }

        if (!meta.Contains(new DicomTag(0x00020002)) && file.Dataset.GetUid(new DicomTag(0x00080016)) is { } sopClass)
        {
            meta.SetString(new DicomTag(0x00020002), DicomVR.UI, sopClass);
        }

        if (!meta.Contains(new DicomTag(0x00020003)) && file.Dataset.GetUid(new DicomTag(0x00080018)) is { } sopInstance)
        {
            meta.SetString(new DicomTag(0x00020003), DicomVR.UI, sopInstance);
        }

        if (converting || !meta.Contains(DicomTag.TransferSyntaxUid))
        {
            meta.SetString(DicomTag.TransferSyntaxUid, DicomVR.UI, target.Uid);
            meta.SetString(new DicomTag(0x00020012), DicomVR.UI, options.ImplementationClassUid);
            meta.SetString(new DicomTag(0x00020013), DicomVR.SH, options.ImplementationVersionName);
        }

        long length = 0;
        foreach (var element in meta)
        {
            length += (element.VR.HasLongLength ? 12 : 8) + element.Length;
        }

        var lengthBytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(lengthBytes, (uint)length);
        meta.SetRaw(DicomTag.FileMetaInformationGroupLength, DicomVR.UL, lengthBytes);
        return meta;
    }
}
