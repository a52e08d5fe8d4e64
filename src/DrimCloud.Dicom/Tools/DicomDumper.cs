using System.Globalization;
using System.Text;

namespace DrimCloud.Dicom;

/// <summary>A human-readable listing of a file, in the spirit of DCMTK's dcmdump: one line per element with its tag,
/// VR, value (shortened), length, value multiplicity and keyword; sequences and items indented.</summary>
public static class DicomDumper
{
    private const int ValueWidth = 64;

    public static void Write(TextWriter output, DicomFile file)
    {
        output.WriteLine("# Dicom-File-Format");
        if (file.Meta.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("# Dicom-Meta-Information-Header");
            output.WriteLine("# Used TransferSyntax: Little Endian Explicit");
            WriteDataset(output, file.Meta, 0);
        }

        output.WriteLine();
        output.WriteLine("# Dicom-Data-Set");
        output.WriteLine($"# Used TransferSyntax: {file.TransferSyntax.Name}{(file.TransferSyntaxMismatch ? " (data set is implicit VR despite the meta information)" : string.Empty)}");
        WriteDataset(output, file.Dataset, 0);
        if (file.TrailingPaddingLength > 0)
        {
            output.WriteLine($"# {file.TrailingPaddingLength} bytes of zero padding after the data set");
        }
    }

    public static void WriteDataset(TextWriter output, DicomDataset dataset, int depth)
    {
        var indent = new string(' ', depth * 2);
        foreach (var element in dataset)
        {
            var keyword = DicomDictionary.GetKeyword(element.Tag) ?? (element.Tag.IsPrivate ? "PrivateTag" : "Unknown Tag & Data");
            var tag = element.Tag.ToString().ToLowerInvariant();
            if (element.Items is { } items)
            {
                var kind = element.HasUndefinedLength ? "undefined" : "explicit";
                Line(output, $"{indent}{tag} SQ (Sequence with {kind} length #={items.Count})", element.HasUndefinedLength ? "u/l" : Len(element.Length), 1, keyword);
                for (var i = 0; i < items.Count; i++)
                {
                    var itemKind = items.IsUndefinedLengthItem(i) ? "undefined" : "explicit";
                    Line(output, $"{indent}  (fffe,e000) na (Item with {itemKind} length #={items[i].Count})", itemKind == "undefined" ? "u/l" : "-", 1, "Item");
                    WriteDataset(output, items[i], depth + 2);
                    if (items.IsUndefinedLengthItem(i))
                    {
                        Line(output, $"{indent}  (fffe,e00d) na (ItemDelimitationItem)", "0", 0, "ItemDelimitationItem");
                    }
                }

                if (element.HasUndefinedLength)
                {
                    Line(output, $"{indent}(fffe,e0dd) na (SequenceDelimitationItem)", "0", 0, "SequenceDelimitationItem");
                }

                continue;
            }

            if (element.Fragments is { } fragments)
            {
                Line(output, $"{indent}{tag} {element.VR} (PixelSequence #={fragments.ItemCount})", "u/l", 1, keyword);
                for (var i = 0; i < fragments.ItemCount; i++)
                {
                    var fragment = fragments[i];
                    Line(output, $"{indent}  (fffe,e000) pi ({(i == 0 ? "offset table" : "fragment")} at offset {fragment.ValueOffset})", Len(fragment.Length), 1, "Item");
                }

                Line(output, $"{indent}(fffe,e0dd) na (SequenceDelimitationItem)", "0", 0, "SequenceDelimitationItem");
                continue;
            }

            Line(output, $"{indent}{tag} {element.VR} {Value(element)}", Len(element.Length), SafeCount(element), keyword);
        }
    }

    private static string Len(uint length) => length.ToString(CultureInfo.InvariantCulture);

    private static int SafeCount(DicomElement element)
    {
        try
        {
            return element.IsInMemory ? element.ValueCount : 1;
        }
        catch (DicomFormatException)
        {
            return 0;
        }
    }

    private static void Line(TextWriter output, string left, string length, int vm, string keyword)
    {
        var pad = left.Length < 56 ? new string(' ', 56 - left.Length) : " ";
        output.WriteLine($"{left}{pad}# {length,4}, {vm} {keyword}");
    }

    private static string Value(DicomElement element)
    {
        if (element.Length == 0)
        {
            return "(no value available)";
        }

        if (!element.IsInMemory)
        {
            return element.IsSkipped ? $"(skipped, {element.Length} bytes)" : $"(not loaded, {element.Length} bytes at offset {element.ValueOffset})";
        }

        var vr = element.VR;
        if (vr.IsString)
        {
            string text;
            try
            {
                text = element.GetString();
            }
            catch (DicomFormatException e)
            {
                text = "(cannot decode: " + e.Reason + ")";
            }

            return "[" + Shorten(text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)) + "]";
        }

        var raw = element.RawValue;
        var size = DicomValues.BinaryValueSize(vr);
        var text2 = new StringBuilder();
        if (vr == DicomVR.AT)
        {
            for (var i = 0; i + 4 <= raw.Length && text2.Length < ValueWidth; i += 4)
            {
                text2.Append(text2.Length > 0 ? "\\" : string.Empty).Append(new DicomTag(ByteOrder.Tag(raw[i..], element.Dataset.IsBigEndian)).ToString().ToLowerInvariant());
            }
        }
        else if (size > 0)
        {
            for (var i = 0; i + size <= raw.Length && text2.Length < ValueWidth; i += size)
            {
                var number = DicomValues.ReadBinaryNumber(raw, vr, i / size, element.Dataset.IsBigEndian);
                text2.Append(text2.Length > 0 ? "\\" : string.Empty).Append(number.ToString("G9", CultureInfo.InvariantCulture));
            }
        }
        else
        {
            var unit = vr == DicomVR.OW ? 2 : 1;
            for (var i = 0; i + unit <= raw.Length && text2.Length < ValueWidth; i += unit)
            {
                text2.Append(text2.Length > 0 ? "\\" : string.Empty);
                text2.Append(unit == 2 ? ByteOrder.U16(raw[i..], element.Dataset.IsBigEndian).ToString("x4", CultureInfo.InvariantCulture) : raw[i].ToString("x2", CultureInfo.InvariantCulture));
            }
        }

        return Shorten(text2.ToString());
    }

    private static string Shorten(string text) => text.Length > ValueWidth ? text[..ValueWidth] + "..." : text;
}
