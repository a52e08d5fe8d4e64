using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DrimCloud.Dicom;

/// <summary>Called for each BulkDataURI met while reading DICOM JSON; returns the value's bytes (little endian), or null to leave the value empty.</summary>
public delegate byte[]? DicomBulkDataResolver(DicomTag tag, DicomVR vr, string uri);

/// <summary>
/// Reads DICOM JSON (PS3.18 Annex F) into a dataset. JSON text is Unicode, so text values are stored as UTF-8 and
/// Specific Character Set becomes "ISO_IR 192" (added when some text is not ASCII). Numbers keep the exact text
/// they had in the JSON for IS/DS. Bulk data URIs are handed to a resolver, or left as empty values.
/// </summary>
public static class DicomJsonReader
{
    public static DicomDataset Parse(string json, DicomBulkDataResolver? resolver = null)
    {
        using var document = JsonDocument.Parse(json);
        return Read(document.RootElement, resolver);
    }

    public static DicomDataset Read(Stream utf8Json, DicomBulkDataResolver? resolver = null)
    {
        using var document = JsonDocument.Parse(utf8Json);
        return Read(document.RootElement, resolver);
    }

    /// <summary>Reads one dataset object (for an array of instances, call this for each element).</summary>
    public static DicomDataset Read(JsonElement root, DicomBulkDataResolver? resolver = null)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new DicomFormatException(-1, "DICOM JSON: a dataset must be a JSON object");
        }

        var dataset = new DicomDataset();
        var declared = root.TryGetProperty("00080005", out _);
        // Encode every text value as UTF-8; the attribute stays only if it was there or some text needs it.
        dataset.SetString(DicomTag.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192");
        var nonAscii = Fill(dataset, root, resolver);
        if (!declared && !nonAscii)
        {
            dataset.Remove(DicomTag.SpecificCharacterSet);
        }

        return dataset;
    }

    /// <summary>Adds the elements of <paramref name="json"/> to <paramref name="dataset"/>; returns true if any text was not ASCII.</summary>
    private static bool Fill(DicomDataset dataset, JsonElement json, DicomBulkDataResolver? resolver)
    {
        var nonAscii = false;
        foreach (var property in json.EnumerateObject())
        {
            if (!DicomTag.TryParse(property.Name, out var tag) || property.Name.Length != 8)
            {
                throw new DicomFormatException(-1, $"DICOM JSON: '{property.Name}' is not a tag (8 hexadecimal digits)");
            }

            if (tag == DicomTag.SpecificCharacterSet)
            {
                continue;
            }

            var element = property.Value;
            if (!element.TryGetProperty("vr", out var vrText) || vrText.GetString() is not { Length: 2 } vrString)
            {
                throw new DicomFormatException(-1, $"DICOM JSON: {tag} has no valid \"vr\"");
            }

            var vr = DicomVR.Parse(vrString);
            nonAscii |= AddElement(dataset, tag, vr, element, resolver);
        }

        return nonAscii;
    }

    private static bool AddElement(DicomDataset dataset, DicomTag tag, DicomVR vr, JsonElement element, DicomBulkDataResolver? resolver)
    {
        if (element.TryGetProperty("InlineBinary", out var inline))
        {
            dataset.SetRaw(tag, vr, inline.GetBytesFromBase64());
            return false;
        }

        if (element.TryGetProperty("BulkDataURI", out var uri))
        {
            dataset.SetRaw(tag, vr, resolver?.Invoke(tag, vr, uri.GetString() ?? string.Empty) ?? []);
            return false;
        }

        if (!element.TryGetProperty("Value", out var value) || value.ValueKind != JsonValueKind.Array)
        {
            if (vr == DicomVR.SQ)
            {
                dataset.SetSequence(tag);
            }
            else
            {
                dataset.SetRaw(tag, vr, []);
            }

            return false;
        }

        if (vr == DicomVR.SQ)
        {
            var sequence = dataset.SetSequence(tag);
            var nonAscii = false;
            foreach (var itemJson in value.EnumerateArray())
            {
                var item = dataset.CreateItem();
                if (itemJson.TryGetProperty("00080005", out _))
                {
                    item.SetString(DicomTag.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192");
                }

                nonAscii |= Fill(item, itemJson, resolver);
                sequence.Add(item);
            }

            return nonAscii;
        }

        if (vr == DicomVR.AT)
        {
            var tags = value.EnumerateArray().Select(v => DicomTag.Parse(v.GetString() ?? string.Empty)).ToList();
            dataset.SetAttributeTags(tag, tags);
            return false;
        }

        if (DicomValues.BinaryValueSize(vr) > 0)
        {
            SetBinaryNumbers(dataset, tag, vr, value);
            return false;
        }

        var texts = value.EnumerateArray().Select(v => Text(v, vr)).ToList();
        var joined = string.Join('\\', texts);
        dataset.SetString(tag, vr, joined);
        return !Ascii.IsValid(joined);
    }

    private static void SetBinaryNumbers(DicomDataset dataset, DicomTag tag, DicomVR vr, JsonElement value)
    {
        if (vr == DicomVR.SV || vr == DicomVR.UV)
        {
            var integers = value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String
                ? (vr == DicomVR.UV ? unchecked((long)ulong.Parse(v.GetString()!, CultureInfo.InvariantCulture)) : long.Parse(v.GetString()!, CultureInfo.InvariantCulture))
                : (vr == DicomVR.UV ? unchecked((long)v.GetUInt64()) : v.GetInt64())).ToList();
            dataset.SetIntegers(tag, vr, integers);
            return;
        }

        var numbers = value.EnumerateArray().Select(v => v.ValueKind switch
        {
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.String => double.Parse(v.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
            _ => throw new DicomFormatException(-1, $"DICOM JSON: {tag} {vr} value is not a number"),
        }).ToList();
        dataset.SetNumbers(tag, vr, numbers);
    }

    private static string Text(JsonElement value, DicomVR vr)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return string.Empty;
            case JsonValueKind.String:
                return value.GetString()!;
            case JsonValueKind.Number:
                // IS/DS as JSON numbers: keep the digits as written; a DS longer than 16 characters is shortened.
                var raw = value.GetRawText();
                if (vr == DicomVR.DS && raw.Length > 16)
                {
                    raw = FormatDecimalString(value.GetDouble());
                }

                return raw;
            case JsonValueKind.Object when vr == DicomVR.PN:
                return PersonName(value);
            default:
                throw new DicomFormatException(-1, $"DICOM JSON: unexpected {value.ValueKind} in a {vr} value");
        }
    }

    private static string PersonName(JsonElement value)
    {
        static string Group(JsonElement e, string name) => e.TryGetProperty(name, out var g) ? g.GetString() ?? string.Empty : string.Empty;
        var text = new StringBuilder(Group(value, "Alphabetic"));
        var ideographic = Group(value, "Ideographic");
        var phonetic = Group(value, "Phonetic");
        if (ideographic.Length > 0 || phonetic.Length > 0)
        {
            text.Append('=').Append(ideographic);
        }

        if (phonetic.Length > 0)
        {
            text.Append('=').Append(phonetic);
        }

        return text.ToString();
    }

    /// <summary>The shortest decimal string of at most 16 characters for a double (DS's limit).</summary>
    internal static string FormatDecimalString(double value)
    {
        for (var digits = 16; digits > 0; digits--)
        {
            var text = value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (text.Length <= 16)
            {
                return text;
            }
        }

        return "0";
    }
}
