using System.Text.Json;
using DrimCloud.Api.DicomWeb.Store;
using DrimCloud.Dicom;

namespace DrimCloud.Api.DicomWeb.Query;

/// <summary>
/// The attributes of one result, gathered from index columns and stored JSON, then written as a DICOM JSON object
/// in ascending tag order (PS3.18 F.2.2). The first source to give a tag wins, so columns take precedence.
/// Reused from result to result: <see cref="Clear"/> between them.
/// </summary>
public sealed class ResultDataset
{
    private readonly List<Entry> _entries = [];
    private readonly HashSet<uint> _tags = [];

    public bool Contains(DicomTag tag) => _tags.Contains(tag.Value);

    public void Clear()
    {
        _entries.Clear();
        _tags.Clear();
    }

    public void AddText(DicomTag tag, string vr, string? value)
    {
        if (_tags.Add(tag.Value)) _entries.Add(new Entry(tag.Value, vr, value, null, default));
    }

    public void AddNumber(DicomTag tag, string vr, int? value)
    {
        if (_tags.Add(tag.Value)) _entries.Add(new Entry(tag.Value, vr, null, value, default));
    }

    /// <summary>An attribute as stored: its DICOM JSON element, copied with relative BulkDataURIs made absolute.</summary>
    public void AddStored(DicomTag tag, JsonElement element)
    {
        if (_tags.Add(tag.Value)) _entries.Add(new Entry(tag.Value, null, null, null, element));
    }

    public void WriteTo(Utf8JsonWriter writer, string dicomWebBase)
    {
        _entries.Sort((a, b) => a.Tag.CompareTo(b.Tag));
        writer.WriteStartObject();
        foreach (var entry in _entries)
        {
            writer.WritePropertyName(new DicomTag(entry.Tag).ToJsonKey());
            if (entry.VR is null) CopyStored(writer, entry.Stored, dicomWebBase);
            else WriteColumn(writer, entry);
        }
        writer.WriteEndObject();
    }

    private static void WriteColumn(Utf8JsonWriter writer, Entry entry)
    {
        writer.WriteStartObject();
        writer.WriteString("vr"u8, entry.VR);
        if (entry.Number is { } number)
        {
            writer.WriteStartArray("Value"u8);
            writer.WriteNumberValue(number);
            writer.WriteEndArray();
        }
        else if (!string.IsNullOrEmpty(entry.Text))
        {
            writer.WriteStartArray("Value"u8);
            // A URL is one value even if it held a backslash; other text is backslash-separated values.
            string[] values = entry.VR == "UR" ? [entry.Text] : entry.Text.Split('\\');
            foreach (var value in values)
            {
                if (value.Length == 0) writer.WriteNullValue();
                else if (entry.VR == "PN") WritePersonName(writer, value);
                else writer.WriteStringValue(value);
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    /// <summary>"Yamada^Tarou=山田^太郎=やまだ^たろう" as its Alphabetic, Ideographic and Phonetic groups.</summary>
    private static void WritePersonName(Utf8JsonWriter writer, string value)
    {
        var groups = value.Split('=');
        writer.WriteStartObject();
        ReadOnlySpan<string> names = ["Alphabetic", "Ideographic", "Phonetic"];
        for (var i = 0; i < groups.Length && i < names.Length; i++)
        {
            if (groups[i].Length > 0) writer.WriteString(names[i], groups[i]);
        }
        writer.WriteEndObject();
    }

    private static void CopyStored(Utf8JsonWriter writer, JsonElement element, string dicomWebBase)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    if (property.NameEquals("BulkDataURI"u8) && property.Value.GetString() is { } uri
                        && uri.StartsWith(InstanceMetadataBuilder.RelativeScheme, StringComparison.Ordinal))
                    {
                        writer.WriteString(property.Name, dicomWebBase + uri[InstanceMetadataBuilder.RelativeScheme.Length..]);
                        continue;
                    }
                    writer.WritePropertyName(property.Name);
                    CopyStored(writer, property.Value, dicomWebBase);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) CopyStored(writer, item, dicomWebBase);
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private readonly record struct Entry(uint Tag, string? VR, string? Text, int? Number, JsonElement Stored);
}
