using System.Buffers;
using System.Text;
using System.Text.Json;

namespace DrimCloud.Dicom;

/// <summary>
/// Writes DICOM JSON (PS3.18 Annex F) straight to a <see cref="Utf8JsonWriter"/>, element by element, without building
/// any tree: write thousands of instances into one array with the same writer. ASCII and UTF-8 text is copied as
/// bytes; other character sets are decoded to Unicode. IS/DS become JSON numbers when their text is a valid JSON
/// number (written as found, so no precision is lost) and strings otherwise, as F.2.3.1 allows.
/// </summary>
public static class DicomJsonWriter
{
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Serialises one dataset to a UTF-8 JSON string (convenience; use <see cref="Write"/> for streaming).</summary>
    public static string Serialize(DicomDataset dataset, DicomJsonOptions? options = null, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions with { Indented = indented }))
        {
            Write(writer, dataset, options);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes a dataset to <paramref name="stream"/> as one JSON object.</summary>
    public static void Write(Stream stream, DicomDataset dataset, DicomJsonOptions? options = null, bool indented = false)
    {
        using var writer = new Utf8JsonWriter(stream, s_writerOptions with { Indented = indented });
        Write(writer, dataset, options);
    }

    /// <summary>Writes a dataset as one JSON object at the writer's current position. A writer over a Stream keeps its
    /// output until flushed: when writing many datasets, flush (or FlushAsync) between them once
    /// <see cref="Utf8JsonWriter.BytesPending"/> is large, so memory stays flat.</summary>
    public static void Write(Utf8JsonWriter writer, DicomDataset dataset, DicomJsonOptions? options = null)
    {
        options ??= DicomJsonOptions.Default;
        new Session(writer, options).WriteDataset(dataset, path: null);
    }

    private readonly struct Session(Utf8JsonWriter writer, DicomJsonOptions options)
    {
        public void WriteDataset(DicomDataset dataset, string? path)
        {
            writer.WriteStartObject();
            Span<byte> key = stackalloc byte[8];
            foreach (var element in dataset)
            {
                var tag = element.Tag;
                if (tag.IsGroupLength && !options.IncludeGroupLengths)
                {
                    // Group lengths are not part of DICOM JSON.
                    continue;
                }

                if (path is null && options.TopLevelFilter is { } keep && !keep(tag)) continue;

                FormatKey(tag.Value, key);
                writer.WritePropertyName(key);
                WriteElement(dataset, element, path);
            }

            writer.WriteEndObject();
        }

        private static void FormatKey(uint tag, Span<byte> key)
        {
            for (var i = 7; i >= 0; i--)
            {
                var nibble = (int)(tag & 0xF);
                key[i] = (byte)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
                tag >>= 4;
            }
        }

        private void WriteElement(DicomDataset dataset, DicomElement element, string? path)
        {
            writer.WriteStartObject();
            var vr = element.IsSequence ? DicomVR.SQ : element.VR;
            Span<byte> vrBytes = [(byte)(vr.Code & 0xFF), (byte)(vr.Code >> 8)];
            writer.WriteString("vr"u8, vrBytes);

            if (element.Items is { } sequence)
            {
                if (sequence.Count > 0)
                {
                    writer.WriteStartArray("Value"u8);
                    var childPath = Append(path, element.Tag);
                    for (var i = 0; i < sequence.Count; i++)
                    {
                        WriteDataset(sequence[i], childPath + "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }

                    writer.WriteEndArray();
                }
            }
            else if (element.Fragments is not null || vr.IsBulk)
            {
                WriteBinary(dataset, element, path);
            }
            else if (element.Length > 0 || (element.Tag == DicomTag.SpecificCharacterSet && options.WriteCharacterSetAsUtf8))
            {
                WriteValues(dataset, element, vr);
            }

            writer.WriteEndObject();
        }

        private static string Append(string? path, DicomTag tag) => path is null ? tag.ToJsonKey() : path + "/" + tag.ToJsonKey();

        private void WriteBinary(DicomDataset dataset, DicomElement element, string? path)
        {
            var size = element.Fragments is { } f ? EncapsulatedSize(f) : element.Length;
            if (size >= (uint)options.BulkDataThreshold && (options.BulkDataUriFactory is not null || options.BulkDataUriPrefix is not null))
            {
                var reference = new DicomBulkDataReference(element, Append(path, element.Tag));
                var uri = options.BulkDataUriFactory is { } factory ? factory(reference) : options.BulkDataUriPrefix + "/" + reference.Path;
                if (uri is not null)
                {
                    writer.WriteString("BulkDataURI"u8, uri);
                    return;
                }
            }

            if (size == 0)
            {
                return;
            }

            // Values have even length in DICOM; an odd one (a broken file) is padded as a writer would pad it.
            var padded = (int)((size + 1) & ~1L);
            var bytes = ArrayPool<byte>.Shared.Rent(padded);
            try
            {
                bytes[padded - 1] = 0;
                var span = bytes.AsSpan(0, (int)size);
                if (element.Fragments is { } fragments)
                {
                    FillEncapsulated(fragments, span);
                }
                else if (element.IsInMemory)
                {
                    element.RawValue.CopyTo(span);
                }
                else
                {
                    dataset.ReadFromSource(element.ValueOffset, span);
                }

                if (dataset.IsBigEndian && element.Fragments is null)
                {
                    // DICOM JSON binary is little endian.
                    ByteOrder.Swap(span, element.VR.SwapUnit);
                }

                writer.WriteBase64String("InlineBinary"u8, bytes.AsSpan(0, padded));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }

        private static long EncapsulatedSize(DicomFragments fragments)
        {
            long total = 8;
            for (var i = 0; i < fragments.ItemCount; i++)
            {
                total += 8 + fragments[i].Length;
            }

            return total;
        }

        /// <summary>Encapsulated pixel data inline: the value field as in Part 10 (items and the sequence delimiter, little endian).</summary>
        private static void FillEncapsulated(DicomFragments fragments, Span<byte> destination)
        {
            var offset = 0;
            for (var i = 0; i < fragments.ItemCount; i++)
            {
                var length = (int)fragments[i].Length;
                ByteOrder.WriteTag(destination[offset..], 0xFFFEE000, false);
                ByteOrder.WriteU32(destination[(offset + 4)..], (uint)length, false);
                fragments.CopyItem(i, destination.Slice(offset + 8, length));
                offset += 8 + length;
            }

            ByteOrder.WriteTag(destination[offset..], 0xFFFEE0DD, false);
            ByteOrder.WriteU32(destination[(offset + 4)..], 0, false);
        }

        private void WriteValues(DicomDataset dataset, DicomElement element, DicomVR vr)
        {
            if (vr.IsString)
            {
                WriteStrings(dataset, element, vr);
                return;
            }

            var raw = element.IsInMemory ? element.RawValue : element.ReadValue();
            if (vr == DicomVR.AT)
            {
                writer.WriteStartArray("Value"u8);
                for (var i = 0; i + 4 <= raw.Length; i += 4)
                {
                    writer.WriteStringValue(new DicomTag(ByteOrder.Tag(raw[i..], dataset.IsBigEndian)).ToJsonKey());
                }

                writer.WriteEndArray();
                return;
            }

            var size = DicomValues.BinaryValueSize(vr);
            if (size == 0 || raw.Length < size)
            {
                return;
            }

            writer.WriteStartArray("Value"u8);
            var count = raw.Length / size;
            for (var i = 0; i < count; i++)
            {
                if (vr == DicomVR.FL || vr == DicomVR.FD)
                {
                    var value = DicomValues.ReadBinaryNumber(raw, vr, i, dataset.IsBigEndian);
                    if (double.IsFinite(value))
                    {
                        if (vr == DicomVR.FL)
                        {
                            WriteFloat((float)value);
                        }
                        else
                        {
                            writer.WriteNumberValue(value);
                        }
                    }
                    else
                    {
                        // JSON has no NaN or infinity.
                        writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
                    }
                }
                else
                {
                    DicomValues.TryReadBinaryInteger(raw, vr, i, dataset.IsBigEndian, out var signed, out var unsigned);
                    if (vr == DicomVR.UV)
                    {
                        writer.WriteNumberValue(unsigned);
                    }
                    else
                    {
                        writer.WriteNumberValue(signed);
                    }
                }
            }

            writer.WriteEndArray();
        }

        /// <summary>Single precision written with the shortest text that reads back as the same float.</summary>
        private void WriteFloat(float value)
        {
            Span<byte> text = stackalloc byte[32];
            value.TryFormat(text, out var written, "R", System.Globalization.CultureInfo.InvariantCulture);
            writer.WriteRawValue(text[..written], skipInputValidation: true);
        }

        private void WriteStrings(DicomDataset dataset, DicomElement element, DicomVR vr)
        {
            if (element.Tag == DicomTag.SpecificCharacterSet && options.WriteCharacterSetAsUtf8)
            {
                writer.WriteStartArray("Value"u8);
                writer.WriteStringValue("ISO_IR 192"u8);
                writer.WriteEndArray();
                return;
            }

            var raw = DicomValues.TrimPadding(element.IsInMemory ? element.RawValue : element.ReadValue(), vr);
            if (raw.IsEmpty || (vr == DicomVR.PN && raw.IndexOfAnyExcept("^=\\ "u8) < 0))
            {
                // A person name made of delimiters only ("^^^^") has no name in it.
                return;
            }

            var charset = vr.UsesCharacterSet ? dataset.CharacterSet : DicomCharacterSet.Default;
            var passThrough = System.Text.Ascii.IsValid(raw) || (vr.UsesCharacterSet && charset.IsUtf8);
            writer.WriteStartArray("Value"u8);
            if (!vr.IsMultiValuedString)
            {
                WriteText(raw, passThrough, charset, vr);
            }
            else if (passThrough)
            {
                // Split at backslashes on the bytes: ASCII and UTF-8 never have 0x5C inside a multi-byte character.
                while (true)
                {
                    var split = raw.IndexOf((byte)'\\');
                    WriteOneValue(split < 0 ? raw : raw[..split], vr);
                    if (split < 0)
                    {
                        break;
                    }

                    raw = raw[(split + 1)..];
                }
            }
            else
            {
                foreach (var value in DicomValues.SplitValues(charset.Decode(raw, vr), vr))
                {
                    WriteOneValue(value, vr);
                }
            }

            writer.WriteEndArray();
        }

        private void WriteText(ReadOnlySpan<byte> raw, bool passThrough, DicomCharacterSet charset, DicomVR vr)
        {
            if (passThrough)
            {
                writer.WriteStringValue(raw);
            }
            else
            {
                writer.WriteStringValue(charset.Decode(raw, vr));
            }
        }

        private void WriteOneValue(ReadOnlySpan<byte> value, DicomVR vr)
        {
            value = TrimValue(value, vr);
            if (vr == DicomVR.PN)
            {
                WritePersonName(Encoding.UTF8.GetString(value));
                return;
            }

            if (value.IsEmpty)
            {
                writer.WriteNullValue();
                return;
            }

            if (vr == DicomVR.DS || vr == DicomVR.IS)
            {
                Span<byte> number = stackalloc byte[80];
                if (JsonNumber.TryNormalize(value, number, out var written))
                {
                    writer.WriteRawValue(number[..written], skipInputValidation: true);
                    return;
                }
            }

            writer.WriteStringValue(value);
        }

        private void WriteOneValue(string value, DicomVR vr)
        {
            if (vr == DicomVR.PN)
            {
                WritePersonName(value.TrimEnd(' '));
                return;
            }

            if (value.Length == 0)
            {
                writer.WriteNullValue();
                return;
            }

            writer.WriteStringValue(value);
        }

        private static ReadOnlySpan<byte> TrimValue(ReadOnlySpan<byte> value, DicomVR vr)
        {
            var end = value.Length;
            while (end > 0 && value[end - 1] is (byte)' ' or 0)
            {
                end--;
            }

            var start = 0;
            if (vr != DicomVR.PN)
            {
                while (start < end && value[start] == ' ')
                {
                    start++;
                }
            }

            return value[start..end];
        }

        private void WritePersonName(string value)
        {
            if (value.Length == 0)
            {
                writer.WriteNullValue();
                return;
            }

            var groups = value.Split('=');
            writer.WriteStartObject();
            if (groups[0].Length > 0)
            {
                writer.WriteString("Alphabetic"u8, groups[0]);
            }

            if (groups.Length > 1 && groups[1].Length > 0)
            {
                writer.WriteString("Ideographic"u8, groups[1]);
            }

            if (groups.Length > 2 && groups[2].Length > 0)
            {
                writer.WriteString("Phonetic"u8, groups[2]);
            }

            writer.WriteEndObject();
        }
    }
}
