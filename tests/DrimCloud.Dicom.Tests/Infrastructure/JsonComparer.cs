using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DrimCloud.Dicom.Tests.Infrastructure;

/// <summary>
/// Compares two DICOM JSON documents attribute by attribute. Only differences that are about representation, not
/// content, are tolerated, each for a stated reason:
/// - group lengths (gggg,0000) are ignored (DICOM JSON leaves them out);
/// - numbers are compared as numbers (DS "5.000000" equals 5), FL to single precision;
/// - an element one side could only see as UN (a private tag in implicit VR, typed by DCMTK's private dictionary) is
///   compared by decoding the UN bytes with the other side's VR;
/// - OB and OW are the same bytes ("OB or OW" in implicit VR);
/// - a value made of padding only is an empty value;
/// - spaces that PS3.5 calls insignificant for a VR are ignored (DCMTK pads an odd-length value with a space);
/// - inside a nested item that declares its own Specific Character Set, dcm2json does not convert the text (it
///   only converts the top level), so text values there are left to CharacterSetTests, which compares with pydicom.
/// </summary>
public sealed class JsonComparer
{
    private readonly List<string> _differences = [];

    public IReadOnlyList<string> Differences => _differences;

    /// <summary>Implicit VR cannot carry the VR of a private element: a reader guesses it (DCMTK from its private
    /// dictionary). When set, a private element whose VR differs is not compared.</summary>
    public bool ToleratePrivateVRGuesses { get; init; }

    /// <summary>Tags left out of the comparison at every level (e.g. pixel data removed from the reference).</summary>
    public HashSet<string> IgnoredKeys { get; } = [];

    private static readonly HashSet<string> s_textVRs = ["SH", "LO", "ST", "LT", "UT", "UC", "PN"];

    public static IReadOnlyList<string> Compare(JsonElement expected, JsonElement actual, params string[] ignoredKeys) =>
        Compare(expected, actual, tolerancePrivateVR: false, ignoredKeys);

    public static IReadOnlyList<string> Compare(JsonElement expected, JsonElement actual, bool tolerancePrivateVR, params string[] ignoredKeys)
    {
        var comparer = new JsonComparer { ToleratePrivateVRGuesses = tolerancePrivateVR };
        foreach (var key in ignoredKeys)
        {
            comparer.IgnoredKeys.Add(key);
        }

        comparer.CompareDataset(expected, actual, string.Empty, unconvertedText: false);
        return comparer.Differences;
    }

    private void Add(string path, string message)
    {
        if (_differences.Count < 30)
        {
            _differences.Add($"{path}: {message}");
        }
    }

    private void CompareDataset(JsonElement expected, JsonElement actual, string path, bool unconvertedText)
    {
        if (path.Length > 0 && expected.TryGetProperty("00080005", out var charset)
            && !(charset.TryGetProperty("Value", out var cv) && cv.GetArrayLength() == 1 && cv[0].GetString() == "ISO_IR 192"))
        {
            unconvertedText = true;
        }

        var expectedKeys = Keys(expected);
        var actualKeys = Keys(actual);
        foreach (var key in expectedKeys.Except(actualKeys))
        {
            Add(path + key, "missing in ours");
        }

        foreach (var key in actualKeys.Except(expectedKeys))
        {
            Add(path + key, "extra in ours: " + Shorten(actual.GetProperty(key).GetRawText()));
        }

        foreach (var key in expectedKeys.Intersect(actualKeys))
        {
            if (unconvertedText && (key == "00080005" || s_textVRs.Contains(expected.GetProperty(key).GetProperty("vr").GetString()!)))
            {
                continue;
            }

            CompareElement(expected.GetProperty(key), actual.GetProperty(key), path + key, unconvertedText);
        }
    }

    private HashSet<string> Keys(JsonElement dataset) =>
        dataset.EnumerateObject()
            .Select(p => p.Name)
            .Where(k => !k.EndsWith("0000", StringComparison.Ordinal))
            .Where(k => !IgnoredKeys.Contains(k))
            .ToHashSet();

    private static string Shorten(string text) => text.Length > 120 ? text[..120] + "…" : text;

    private void CompareElement(JsonElement expected, JsonElement actual, string path, bool unconvertedText)
    {
        var expectedVR = expected.GetProperty("vr").GetString()!;
        var actualVR = actual.GetProperty("vr").GetString()!;
        var expectedValues = Values(expected, expectedVR);
        var actualValues = Values(actual, actualVR);

        if (expectedVR != actualVR)
        {
            if (IsBinaryPair(expectedVR, actualVR))
            {
                expectedVR = actualVR;
            }
            else if (actualVR == "UN" && expectedVR != "SQ")
            {
                actualValues = DecodeAs(actual, expectedVR);
                actualVR = expectedVR;
            }
            else if (expectedVR == "UN" && actualVR != "SQ")
            {
                expectedValues = DecodeAs(expected, actualVR);
                expectedVR = actualVR;
            }
            else if (ToleratePrivateVRGuesses && IsPrivate(path))
            {
                return;
            }
            else
            {
                Add(path, $"VR {actualVR} in ours, {expectedVR} in reference");
                return;
            }
        }

        if (expectedVR == "SQ")
        {
            var e = expected.TryGetProperty("Value", out var ev) ? ev.EnumerateArray().ToList() : [];
            var a = actual.TryGetProperty("Value", out var av) ? av.EnumerateArray().ToList() : [];
            if (e.Count != a.Count)
            {
                Add(path, $"{a.Count} items in ours, {e.Count} in reference");
                return;
            }

            for (var i = 0; i < e.Count; i++)
            {
                CompareDataset(e[i], a[i], $"{path}/{i}/", unconvertedText);
            }

            return;
        }

        // A single value made only of padding is no value at all (DCMTK keeps "  " for an all-space SH).
        if (expectedValues.Count == 1 && expectedValues[0].Trim(' ', '\0').Length == 0 && actualValues.Count == 0)
        {
            return;
        }

        if (expectedValues.Count != actualValues.Count)
        {
            Add(path, $"{actualValues.Count} values in ours ({Shorten(string.Join('|', actualValues))}), {expectedValues.Count} in reference ({Shorten(string.Join('|', expectedValues))})");
            return;
        }

        for (var i = 0; i < expectedValues.Count; i++)
        {
            if (!SameValue(expectedValues[i], actualValues[i], expectedVR))
            {
                Add($"{path}[{i}]", $"'{Shorten(actualValues[i])}' in ours, '{Shorten(expectedValues[i])}' in reference ({expectedVR})");
            }
        }
    }

    private static bool IsPrivate(string path)
    {
        var key = path[(path.LastIndexOf('/') + 1)..];
        return (Convert.ToInt32(key[..4], 16) & 1) == 1;
    }

    private static bool IsBinaryPair(string a, string b) =>
        (a is "OB" or "OW" or "UN") && (b is "OB" or "OW" or "UN");

    /// <summary>The values of an element as comparable strings (binary as hex of the bytes).</summary>
    private static List<string> Values(JsonElement element, string vr)
    {
        if (element.TryGetProperty("InlineBinary", out var inline))
        {
            return [Convert.ToHexString(inline.GetBytesFromBase64())];
        }

        if (!element.TryGetProperty("Value", out var value) || vr == "SQ")
        {
            return [];
        }

        return value.EnumerateArray().Select(v => v.ValueKind switch
        {
            JsonValueKind.Null => string.Empty,
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.Object => PersonName(v),
            _ => v.GetRawText(),
        }).ToList();
    }

    private static string PersonName(JsonElement pn)
    {
        static string Group(JsonElement e, string name) => e.TryGetProperty(name, out var g) ? g.GetString() ?? string.Empty : string.Empty;
        return $"{Group(pn, "Alphabetic")}={Group(pn, "Ideographic")}={Group(pn, "Phonetic")}".TrimEnd('=');
    }

    /// <summary>Reads UN bytes (little endian) as <paramref name="vr"/>, the way the other side typed them.</summary>
    private static List<string> DecodeAs(JsonElement element, string vr)
    {
        if (!element.TryGetProperty("InlineBinary", out var inline))
        {
            return [];
        }

        var bytes = inline.GetBytesFromBase64();
        var size = vr switch { "US" or "SS" => 2, "UL" or "SL" or "FL" or "AT" => 4, "FD" or "SV" or "UV" => 8, _ => 0 };
        if (size == 0)
        {
            if (vr is "OB" or "OW" or "OF" or "OD" or "OL" or "OV")
            {
                return [Convert.ToHexString(bytes)];
            }

            var text = Encoding.Latin1.GetString(bytes).TrimEnd(' ', '\0');
            if (text.Length == 0)
            {
                return [];
            }

            var parts = vr is "LT" or "ST" or "UT" or "UR" ? [text] : text.Split('\\');
            return parts.Select(p => vr == "PN" ? p.TrimEnd(' ') : p.Trim(' ', '\0')).ToList();
        }

        var values = new List<string>();
        for (var i = 0; i + size <= bytes.Length; i += size)
        {
            var span = bytes.AsSpan(i, size);
            values.Add(vr switch
            {
                "US" => BinaryPrimitives.ReadUInt16LittleEndian(span).ToString(CultureInfo.InvariantCulture),
                "SS" => BinaryPrimitives.ReadInt16LittleEndian(span).ToString(CultureInfo.InvariantCulture),
                "UL" => BinaryPrimitives.ReadUInt32LittleEndian(span).ToString(CultureInfo.InvariantCulture),
                "SL" => BinaryPrimitives.ReadInt32LittleEndian(span).ToString(CultureInfo.InvariantCulture),
                "FL" => BinaryPrimitives.ReadSingleLittleEndian(span).ToString("R", CultureInfo.InvariantCulture),
                "FD" => BinaryPrimitives.ReadDoubleLittleEndian(span).ToString("R", CultureInfo.InvariantCulture),
                "AT" => $"{BinaryPrimitives.ReadUInt16LittleEndian(span):X4}{BinaryPrimitives.ReadUInt16LittleEndian(span[2..]):X4}",
                "SV" => BinaryPrimitives.ReadInt64LittleEndian(span).ToString(CultureInfo.InvariantCulture),
                _ => BinaryPrimitives.ReadUInt64LittleEndian(span).ToString(CultureInfo.InvariantCulture),
            });
        }

        return values;
    }

    private static bool SameValue(string expected, string actual, string vr)
    {
        if (expected == actual)
        {
            return true;
        }

        if (vr is "CS" or "AE" or "DS" or "IS" or "UI" or "DA" or "TM" or "DT" or "SH" or "LO" or "AS"
            && expected.Trim(' ', '\0') == actual.Trim(' ', '\0'))
        {
            return true;
        }

        if (vr is "ST" or "LT" or "UT" or "UC" or "PN" && expected.TrimEnd(' ', '\0') == actual.TrimEnd(' ', '\0'))
        {
            return true;
        }

        if (vr is "DS" or "IS" or "FL" or "FD" or "US" or "SS" or "UL" or "SL" or "SV" or "UV"
            && double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out var e)
            && double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var a))
        {
            var tolerance = vr == "FL" ? 1e-6 : 1e-12;
            return Math.Abs(e - a) <= tolerance * Math.Max(1, Math.Max(Math.Abs(e), Math.Abs(a)));
        }

        return false;
    }
}
