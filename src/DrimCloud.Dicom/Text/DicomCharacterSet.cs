using System.Collections.Concurrent;
using System.Text;
using DrimCloud.Dicom.Text;

namespace DrimCloud.Dicom;

/// <summary>
/// Specific Character Set (0008,0005) handling, PS3.5 §6.1 and PS3.3 C.12.1.1.2: single-byte ISO_IR sets, UTF-8,
/// GB18030/GBK, and ISO 2022 code extensions with escape sequences (Japanese IR 13/87/159, Korean IR 149,
/// Chinese IR 58 and the single-byte G1 sets). Instances are cached per distinct (0008,0005) value.
/// </summary>
public sealed class DicomCharacterSet
{
    private static readonly ConcurrentDictionary<string, DicomCharacterSet> s_cache = new(StringComparer.Ordinal);

    private readonly Encoding? _single;
    private readonly CodeElement[] _elements;
    private readonly CodeElement _initialG0;
    private readonly CodeElement? _initialG1;

    /// <summary>The default repertoire (no 0008,0005). Bytes above 0x7F are read as Latin-1, as DCMTK and pydicom do.</summary>
    public static DicomCharacterSet Default { get; } = new(string.Empty, [string.Empty]);

    private DicomCharacterSet(string value, string[] terms)
    {
        Value = value;
        Terms = terms;
        var first = terms.Length > 0 ? terms[0].Trim() : string.Empty;
        var usesExtensions = terms.Any(t => t.Trim().StartsWith("ISO 2022", StringComparison.Ordinal));
        if (!usesExtensions)
        {
            _single = SingleByteOrUnicode(first);
            _elements = [];
            _initialG0 = CodeElement.Ascii;
            return;
        }

        var elements = new List<CodeElement>();
        foreach (var raw in terms)
        {
            var term = raw.Trim();
            if (term.Length == 0)
            {
                term = "ISO 2022 IR 6";
            }

            // A first value given without "ISO 2022" (e.g. "ISO_IR 100") still names the initial G1 set.
            var element = CodeElement.ForTerm(term.StartsWith("ISO_IR ", StringComparison.Ordinal) ? "ISO 2022 IR " + term[7..] : term);
            if (element is null)
            {
                throw new DicomFormatException(-1, $"unsupported Specific Character Set term '{term}'");
            }

            if (term == "ISO 2022 IR 13")
            {
                elements.Add(CodeElement.Romaji);
            }

            elements.Add(element);
        }

        _elements = [.. elements];
        var firstTerm = first.Length == 0 ? "ISO 2022 IR 6" : first;
        _initialG0 = firstTerm == "ISO 2022 IR 13" ? CodeElement.Romaji : CodeElement.Ascii;
        _initialG1 = Array.Find(_elements, e => e.IsG1 && e.Term == firstTerm);
        if (_initialG1 is null && firstTerm.StartsWith("ISO_IR ", StringComparison.Ordinal))
        {
            _initialG1 = Array.Find(_elements, e => e.IsG1);
        }
    }

    /// <summary>The (0008,0005) value this set was made from ("" for the default repertoire).</summary>
    public string Value { get; }

    public IReadOnlyList<string> Terms { get; }

    /// <summary>True for UTF-8 (ISO_IR 192), the only set DICOM JSON output needs no conversion for.</summary>
    public bool IsUtf8 => _single is UTF8Encoding;

    /// <summary>The set for a (0008,0005) value (backslash-separated defined terms).</summary>
    public static DicomCharacterSet FromSpecificCharacterSet(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Default;
        }

        return s_cache.GetOrAdd(value, static v => new DicomCharacterSet(v, v.Split('\\')));
    }

    private static Encoding SingleByteOrUnicode(string term) => term switch
    {
        "" or "ISO_IR 6" => Encoding.Latin1,
        "ISO_IR 100" => Encoding.Latin1,
        "ISO_IR 101" => CodePage(28592),
        "ISO_IR 109" => CodePage(28593),
        "ISO_IR 110" => CodePage(28594),
        "ISO_IR 144" => CodePage(28595),
        "ISO_IR 127" => CodePage(28596),
        "ISO_IR 126" => CodePage(28597),
        "ISO_IR 138" => CodePage(28598),
        "ISO_IR 148" => CodePage(28599),
        "ISO_IR 203" => CodePage(28605),
        "ISO_IR 166" => CodePage(874),
        "ISO_IR 13" => CodePage(932),
        "ISO_IR 192" => new UTF8Encoding(false, false),
        "GB18030" => CodePage(54936),
        "GBK" => CodePage(936),
        _ => throw new DicomFormatException(-1, $"unsupported Specific Character Set term '{term}'"),
    };

    private static Encoding CodePage(int codePage) =>
        CodePagesEncodingProvider.Instance.GetEncoding(codePage) ?? Encoding.GetEncoding(codePage);

    /// <summary>
    /// Decodes a string value. For ISO 2022 the designations go back to their initial state at each delimiter that
    /// PS3.5 §6.1.2.5.3 lists: backslash between values, '^' and '=' inside person names, and control characters in text.
    /// </summary>
    public string Decode(ReadOnlySpan<byte> bytes, DicomVR vr)
    {
        if (_single is not null)
        {
            return IsAscii(bytes) ? Encoding.ASCII.GetString(bytes) : _single.GetString(bytes);
        }

        if (bytes.IndexOf((byte)0x1B) < 0 && IsAscii(bytes) && _initialG0.Kind == CodeKind.Ascii)
        {
            return Encoding.ASCII.GetString(bytes);
        }

        return DecodeIso2022(bytes, vr == DicomVR.PN);
    }

    private static bool IsAscii(ReadOnlySpan<byte> bytes) => System.Text.Ascii.IsValid(bytes);

    private string DecodeIso2022(ReadOnlySpan<byte> bytes, bool personName)
    {
        var output = new StringBuilder(bytes.Length);
        var g0 = _initialG0;
        var g1 = _initialG1;
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b == 0x1B)
            {
                var designated = MatchEscape(bytes[i..]);
                if (designated is null)
                {
                    output.Append('\uFFFD');
                    i++;
                    continue;
                }

                if (designated.IsG1)
                {
                    g1 = designated;
                }
                else
                {
                    g0 = designated;
                }

                i += designated.Escape.Length;
                continue;
            }

            if (!g0.IsMultiByte && IsResetDelimiter(b, personName))
            {
                output.Append((char)b);
                g0 = _initialG0;
                g1 = _initialG1;
                i++;
                continue;
            }

            // A run of bytes in the same half (G0 below 0x80, G1 above) decodes with the set designated there.
            var high = b >= 0x80;
            var start = i;
            while (i < bytes.Length && bytes[i] != 0x1B && (bytes[i] >= 0x80) == high && (high || g0.IsMultiByte || !IsResetDelimiter(bytes[i], personName)))
            {
                i++;
            }

            var run = bytes[start..i];
            if (high)
            {
                if (g1 is not null)
                {
                    g1.Decode(run, output);
                }
                else
                {
                    output.Append(Encoding.Latin1.GetString(run));
                }
            }
            else
            {
                g0.Decode(run, output);
            }
        }

        return output.ToString();
    }

    private static bool IsResetDelimiter(byte b, bool personName) =>
        b is (byte)'\\' or 0x0D or 0x0A or 0x09 or 0x0C || (personName && b is (byte)'^' or (byte)'=');

    private CodeElement? MatchEscape(ReadOnlySpan<byte> bytes)
    {
        foreach (var element in _elements)
        {
            if (bytes.StartsWith(element.Escape))
            {
                return element;
            }
        }

        if (bytes.StartsWith(CodeElement.Ascii.Escape))
        {
            return CodeElement.Ascii;
        }

        return bytes.StartsWith(CodeElement.Romaji.Escape) ? CodeElement.Romaji : null;
    }

    /// <summary>Encodes text for a value of this character set (with escape sequences when it uses ISO 2022).</summary>
    public byte[] Encode(string text, DicomVR vr)
    {
        if (_single is not null)
        {
            return _single.GetBytes(text);
        }

        var personName = vr == DicomVR.PN;
        var output = new List<byte>(text.Length * 2);
        var g0 = _initialG0;
        var g1 = _initialG1;
        Span<byte> scratch = stackalloc byte[4];
        var i = 0;
        while (i < text.Length)
        {
            var length = char.IsSurrogatePair(text, i) ? 2 : 1;
            var ch = text.AsSpan(i, length);
            if (ch[0] < 0x80 && (g0.Kind == CodeKind.Ascii || g0.Kind == CodeKind.Romaji) && IsResetDelimiter((byte)ch[0], personName))
            {
                // Delimiters are ASCII; PS3.5 requires G0 to be back at its initial set before them.
                if (g0 != _initialG0)
                {
                    output.AddRange(_initialG0.Escape);
                }

                output.Add((byte)ch[0]);
                g0 = _initialG0;
                g1 = _initialG1;
                i += length;
                continue;
            }

            var written = 0;
            CodeElement? used = null;
            foreach (var candidate in Candidates(g0, g1))
            {
                written = candidate.TryEncode(ch, scratch);
                if (written > 0)
                {
                    used = candidate;
                    break;
                }
            }

            if (used is null)
            {
                output.Add((byte)'?');
                i += length;
                continue;
            }

            if (used.IsG1 && used != g1)
            {
                output.AddRange(used.Escape);
                g1 = used;
            }
            else if (!used.IsG1 && used != g0)
            {
                output.AddRange(used.Escape);
                g0 = used;
            }

            for (var k = 0; k < written; k++)
            {
                output.Add(scratch[k]);
            }

            i += length;
        }

        if (g0 != _initialG0)
        {
            output.AddRange(_initialG0.Escape);
        }

        return [.. output];
    }

    private IEnumerable<CodeElement> Candidates(CodeElement g0, CodeElement? g1)
    {
        yield return g0;
        if (g1 is not null)
        {
            yield return g1;
        }

        yield return CodeElement.Ascii;
        foreach (var element in _elements)
        {
            yield return element;
        }
    }

    public override string ToString() => Value.Length == 0 ? "(default repertoire)" : Value;
}
