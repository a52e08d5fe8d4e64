namespace DrimCloud.Dicom;

/// <summary>
/// A value representation, stored as its two ASCII characters packed little-endian (exactly the two bytes found in an
/// explicit-VR element header), so reading a VR from the wire is a single 16-bit load.
/// </summary>
public readonly struct DicomVR : IEquatable<DicomVR>
{
    public DicomVR(ushort code) => Code = code;

    public ushort Code { get; }

    private static ushort Pack(char a, char b) => (ushort)(a | (b << 8));

    public static DicomVR AE => new(Pack('A', 'E'));
    public static DicomVR AS => new(Pack('A', 'S'));
    public static DicomVR AT => new(Pack('A', 'T'));
    public static DicomVR CS => new(Pack('C', 'S'));
    public static DicomVR DA => new(Pack('D', 'A'));
    public static DicomVR DS => new(Pack('D', 'S'));
    public static DicomVR DT => new(Pack('D', 'T'));
    public static DicomVR FD => new(Pack('F', 'D'));
    public static DicomVR FL => new(Pack('F', 'L'));
    public static DicomVR IS => new(Pack('I', 'S'));
    public static DicomVR LO => new(Pack('L', 'O'));
    public static DicomVR LT => new(Pack('L', 'T'));
    public static DicomVR OB => new(Pack('O', 'B'));
    public static DicomVR OD => new(Pack('O', 'D'));
    public static DicomVR OF => new(Pack('O', 'F'));
    public static DicomVR OL => new(Pack('O', 'L'));
    public static DicomVR OV => new(Pack('O', 'V'));
    public static DicomVR OW => new(Pack('O', 'W'));
    public static DicomVR PN => new(Pack('P', 'N'));
    public static DicomVR SH => new(Pack('S', 'H'));
    public static DicomVR SL => new(Pack('S', 'L'));
    public static DicomVR SQ => new(Pack('S', 'Q'));
    public static DicomVR SS => new(Pack('S', 'S'));
    public static DicomVR ST => new(Pack('S', 'T'));
    public static DicomVR SV => new(Pack('S', 'V'));
    public static DicomVR TM => new(Pack('T', 'M'));
    public static DicomVR UC => new(Pack('U', 'C'));
    public static DicomVR UI => new(Pack('U', 'I'));
    public static DicomVR UL => new(Pack('U', 'L'));
    public static DicomVR UN => new(Pack('U', 'N'));
    public static DicomVR UR => new(Pack('U', 'R'));
    public static DicomVR US => new(Pack('U', 'S'));
    public static DicomVR UT => new(Pack('U', 'T'));
    public static DicomVR UV => new(Pack('U', 'V'));

    /// <summary>Pseudo VR of item and delimiter tags, which have none.</summary>
    public static DicomVR NO => new(Pack('N', 'O'));

    private const int String = 1, Text = 2, LongLength = 4, Binary = 8, Known = 16, UidPad = 32, Bulk = 64;

    private int Traits => Code switch
    {
        0x4541 /* AE */ or 0x5341 /* AS */ or 0x5343 /* CS */ or 0x4144 /* DA */ or 0x5344 /* DS */ or 0x5444 /* DT */
            or 0x5349 /* IS */ or 0x4D54 /* TM */ => Known | String,
        0x4F4C /* LO */ or 0x4853 /* SH */ or 0x4E50 /* PN */ or 0x5453 /* ST */ or 0x544C /* LT */ => Known | String | Text,
        0x4355 /* UC */ or 0x5455 /* UT */ => Known | String | Text | LongLength,
        0x5255 /* UR */ => Known | String | LongLength,
        0x4955 /* UI */ => Known | String | UidPad,
        0x5441 /* AT */ or 0x4446 /* FD */ or 0x4C46 /* FL */ or 0x4C53 /* SL */ or 0x5353 /* SS */ or 0x4C55 /* UL */
            or 0x5355 /* US */ => Known | Binary,
        0x5653 /* SV */ or 0x5655 /* UV */ => Known | Binary | LongLength,
        0x424F /* OB */ or 0x444F /* OD */ or 0x464F /* OF */ or 0x4C4F /* OL */ or 0x564F /* OV */ or 0x574F /* OW */
            or 0x4E55 /* UN */ => Known | Binary | LongLength | Bulk,
        0x5153 /* SQ */ => Known | LongLength,
        _ => 0,
    };

    /// <summary>One of the VRs of PS3.5 Table 6.2-1.</summary>
    public bool IsKnown => (Traits & Known) != 0;

    /// <summary>Character string VRs (values are text split by backslash, except LT/ST/UT/UR).</summary>
    public bool IsString => (Traits & String) != 0;

    /// <summary>String VRs affected by Specific Character Set (PS3.5 §6.1.2.3).</summary>
    public bool UsesCharacterSet => (Traits & Text) != 0;

    /// <summary>
    /// Explicit-VR header with 2 reserved bytes and a 32-bit length (PS3.5 §7.1.2). Unknown VRs use this form too,
    /// as PS3.5 §6.2 requires of VRs defined after the reader was written.
    /// </summary>
    public bool HasLongLength => (Traits & LongLength) != 0 || !IsKnown;

    /// <summary>Binary values whose byte order follows the transfer syntax (numbers, AT, OW…).</summary>
    public bool IsBinary => (Traits & Binary) != 0;

    /// <summary>"Other" VRs and UN, which DICOM JSON carries as InlineBinary or BulkDataURI.</summary>
    public bool IsBulk => (Traits & Bulk) != 0;

    /// <summary>Values that may hold several values separated by backslash.</summary>
    public bool IsMultiValuedString => IsString && Code is not (0x5453 or 0x544C or 0x5455 or 0x5255);

    /// <summary>Size of one binary value, which is also the unit of byte swapping between endiannesses (AT swaps as two 16-bit halves).</summary>
    public int SwapUnit => Code switch
    {
        0x5355 or 0x5353 or 0x574F or 0x5441 => 2,
        0x4C55 or 0x4C53 or 0x4C46 or 0x464F or 0x4C4F => 4,
        0x4446 or 0x444F or 0x564F or 0x5653 or 0x5655 => 8,
        _ => 1,
    };

    /// <summary>Byte used to pad a value to even length: NUL for UI and binary, space for other strings.</summary>
    public byte PaddingByte => (Traits & (String | UidPad)) == String ? (byte)' ' : (byte)0;

    public bool Equals(DicomVR other) => Code == other.Code;

    public override bool Equals(object? obj) => obj is DicomVR other && Equals(other);

    public override int GetHashCode() => Code;

    public static bool operator ==(DicomVR left, DicomVR right) => left.Code == right.Code;

    public static bool operator !=(DicomVR left, DicomVR right) => left.Code != right.Code;

    public override string ToString() => string.Create(2, Code, static (span, code) =>
    {
        span[0] = (char)(code & 0xFF);
        span[1] = (char)(code >> 8);
    });

    public static DicomVR Parse(string text) =>
        text is { Length: 2 } && char.IsAsciiLetterUpper(text[0]) && char.IsAsciiLetterUpper(text[1])
            ? new DicomVR(Pack(text[0], text[1]))
            : throw new FormatException($"'{text}' is not a value representation.");

    /// <summary>True if both bytes are upper-case ASCII letters, the only shape a VR can have on the wire.</summary>
    internal static bool IsPlausible(ushort code) =>
        (uint)((code & 0xFF) - 'A') <= 'Z' - 'A' && (uint)((code >> 8) - 'A') <= 'Z' - 'A';
}
