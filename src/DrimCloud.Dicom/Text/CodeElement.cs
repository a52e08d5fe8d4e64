using System.Text;

namespace DrimCloud.Dicom.Text;

/// <summary>
/// One character set that ISO 2022 can designate to G0 or G1 (PS3.3 Table C.12-3/-4), with its escape sequence
/// and how to turn its bytes into text and back.
/// </summary>
internal sealed class CodeElement
{
    private readonly Encoding? _encoding;

    private CodeElement(string term, CodeKind kind, byte[] escape, Encoding? encoding)
    {
        Term = term;
        Kind = kind;
        Escape = escape;
        _encoding = encoding;
    }

    public string Term { get; }

    public CodeKind Kind { get; }

    /// <summary>The escape sequence (ESC included) that designates this set.</summary>
    public byte[] Escape { get; }

    /// <summary>True if the set lives in G1 (bytes with the high bit set); false for G0 (7-bit bytes).</summary>
    public bool IsG1 => Kind is CodeKind.SingleByteUpper or CodeKind.Katakana or CodeKind.Ksx1001 or CodeKind.Gb2312;

    public bool IsMultiByte => Kind is CodeKind.Jis0208 or CodeKind.Jis0212 or CodeKind.Ksx1001 or CodeKind.Gb2312;

    public static CodeElement Ascii { get; } = new("ISO 2022 IR 6", CodeKind.Ascii, [0x1B, 0x28, 0x42], Encoding.ASCII);

    private static Encoding CodePage(int codePage) =>
        CodePagesEncodingProvider.Instance.GetEncoding(codePage) ?? Encoding.GetEncoding(codePage);

    /// <summary>The code elements for the ISO 2022 defined terms (the single-byte ones carry their G1 half).</summary>
    public static CodeElement? ForTerm(string term) => term switch
    {
        "ISO 2022 IR 6" => Ascii,
        "ISO 2022 IR 100" => Upper(term, 'A', 28591),
        "ISO 2022 IR 101" => Upper(term, 'B', 28592),
        "ISO 2022 IR 109" => Upper(term, 'C', 28593),
        "ISO 2022 IR 110" => Upper(term, 'D', 28594),
        "ISO 2022 IR 144" => Upper(term, 'L', 28595),
        "ISO 2022 IR 127" => Upper(term, 'G', 28596),
        "ISO 2022 IR 126" => Upper(term, 'F', 28597),
        "ISO 2022 IR 138" => Upper(term, 'H', 28598),
        "ISO 2022 IR 148" => Upper(term, 'M', 28599),
        "ISO 2022 IR 203" => Upper(term, 'b', 28605),
        "ISO 2022 IR 166" => Upper(term, 'T', 874),
        "ISO 2022 IR 13" => new(term, CodeKind.Katakana, [0x1B, 0x29, 0x49], null),
        "ISO 2022 IR 87" => new(term, CodeKind.Jis0208, [0x1B, 0x24, 0x42], CodePage(51932)),
        "ISO 2022 IR 159" => new(term, CodeKind.Jis0212, [0x1B, 0x24, 0x28, 0x44], CodePage(20932)),
        "ISO 2022 IR 149" => new(term, CodeKind.Ksx1001, [0x1B, 0x24, 0x29, 0x43], CodePage(949)),
        "ISO 2022 IR 58" => new(term, CodeKind.Gb2312, [0x1B, 0x24, 0x29, 0x41], CodePage(936)),
        _ => null,
    };

    /// <summary>JIS X 0201 Romaji in G0, designated alongside katakana by "ISO 2022 IR 13".</summary>
    public static CodeElement Romaji { get; } = new("ISO 2022 IR 13 (romaji)", CodeKind.Romaji, [0x1B, 0x28, 0x4A], Encoding.ASCII);

    private static CodeElement Upper(string term, char final, int codePage) =>
        new(term, CodeKind.SingleByteUpper, [0x1B, 0x2D, (byte)final], CodePage(codePage));

    /// <summary>Decodes a run of bytes that all belong to this set.</summary>
    public void Decode(ReadOnlySpan<byte> run, StringBuilder output)
    {
        switch (Kind)
        {
            case CodeKind.Ascii:
            case CodeKind.Romaji:
                foreach (var b in run)
                {
                    output.Append((char)b);
                }

                break;
            case CodeKind.Katakana:
                foreach (var b in run)
                {
                    output.Append(b is >= 0xA1 and <= 0xDF ? (char)(0xFF61 + (b - 0xA1)) : (char)b);
                }

                break;
            case CodeKind.SingleByteUpper:
            case CodeKind.Ksx1001:
            case CodeKind.Gb2312:
                output.Append(_encoding!.GetString(run));
                break;
            case CodeKind.Jis0208:
            case CodeKind.Jis0212:
                DecodeJis(run, output);
                break;
        }
    }

    /// <summary>
    /// JIS X 0208 / 0212 arrive as 7-bit byte pairs. EUC-JP (code page 51932) is JIS X 0208 with the high bit set on
    /// both bytes; Windows code page 20932 holds JIS X 0212 as the first byte with the high bit set and the second
    /// without. Either way the platform's tables do the mapping.
    /// </summary>
    private void DecodeJis(ReadOnlySpan<byte> run, StringBuilder output)
    {
        var pairs = run.Length / 2;
        Span<byte> euc = pairs * 2 <= 512 ? stackalloc byte[pairs * 2] : new byte[pairs * 2];
        var secondHigh = Kind == CodeKind.Jis0208 ? (byte)0x80 : (byte)0;
        for (var i = 0; i < pairs; i++)
        {
            euc[2 * i] = (byte)(run[2 * i] | 0x80);
            euc[(2 * i) + 1] = (byte)((run[(2 * i) + 1] & 0x7F) | secondHigh);
        }

        output.Append(_encoding!.GetString(euc));
        if ((run.Length & 1) != 0)
        {
            output.Append('\uFFFD');
        }
    }

    /// <summary>Encodes one character in this set, or returns 0 bytes if the set cannot represent it.</summary>
    public int TryEncode(ReadOnlySpan<char> character, Span<byte> destination)
    {
        switch (Kind)
        {
            case CodeKind.Ascii:
            case CodeKind.Romaji:
                if (character.Length == 1 && character[0] < 0x80)
                {
                    destination[0] = (byte)character[0];
                    return 1;
                }

                return 0;
            case CodeKind.Katakana:
                if (character.Length == 1 && character[0] is >= '\uFF61' and <= '\uFF9F')
                {
                    destination[0] = (byte)(character[0] - 0xFF61 + 0xA1);
                    return 1;
                }

                return 0;
            default:
                return TryEncodeWithTables(character, destination);
        }
    }

    private int TryEncodeWithTables(ReadOnlySpan<char> character, Span<byte> destination)
    {
        var strict = (Encoding)_encoding!.Clone();
        strict.EncoderFallback = EncoderFallback.ExceptionFallback;
        Span<byte> bytes = stackalloc byte[8];
        int count;
        try
        {
            count = strict.GetBytes(character, bytes);
        }
        catch (EncoderFallbackException)
        {
            return 0;
        }

        switch (Kind)
        {
            case CodeKind.SingleByteUpper:
                if (count != 1 || bytes[0] < 0x80)
                {
                    return 0;
                }

                destination[0] = bytes[0];
                return 1;
            case CodeKind.Ksx1001:
            case CodeKind.Gb2312:
                if (count != 2 || bytes[0] < 0xA1 || bytes[1] < 0xA1)
                {
                    return 0;
                }

                bytes[..2].CopyTo(destination);
                return 2;
            case CodeKind.Jis0208:
                if (count != 2 || bytes[0] < 0xA1)
                {
                    return 0;
                }

                destination[0] = (byte)(bytes[0] & 0x7F);
                destination[1] = (byte)(bytes[1] & 0x7F);
                return 2;
            case CodeKind.Jis0212:
                if (count != 2 || bytes[0] < 0xA1 || bytes[1] >= 0x80)
                {
                    return 0;
                }

                destination[0] = (byte)(bytes[0] & 0x7F);
                destination[1] = bytes[1];
                return 2;
            default:
                return 0;
        }
    }
}

internal enum CodeKind
{
    Ascii,
    Romaji,
    Katakana,
    SingleByteUpper,
    Jis0208,
    Jis0212,
    Ksx1001,
    Gb2312,
}
