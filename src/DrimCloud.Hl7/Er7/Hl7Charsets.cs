using System.Text;

namespace DrimCloud.Hl7.Er7;

/// <summary>MSH-18 character sets (HL7 table 0211) this library decodes.</summary>
public static class Hl7Charsets
{
    public const string Utf8 = "UNICODE UTF-8";
    public const string Latin1 = "8859/1";
    public const string Ascii = "ASCII";

    /// <summary>The .NET encoding of an MSH-18 value (empty: <paramref name="defaultCharset"/>); throws for others.</summary>
    public static Encoding Resolve(string? msh18, string defaultCharset)
    {
        var name = string.IsNullOrWhiteSpace(msh18) ? defaultCharset : msh18.Trim();
        return name.ToUpperInvariant() switch
        {
            "UNICODE UTF-8" or "UTF-8" or "UTF8" => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false),
            "8859/1" or "ISO-8859-1" or "ISO IR100" => Encoding.Latin1,
            // ASCII bytes are the first 128 of Latin-1; decoding the upper half as Latin-1 loses nothing.
            "ASCII" => Encoding.Latin1,
            _ => throw new Hl7Exception(Hl7ErrorCode.DataTypeError,
                $"Character set '{name}' (MSH-18) is not supported: use UNICODE UTF-8, 8859/1 or ASCII.", "MSH^1^18"),
        };
    }
}
