using System.Globalization;

namespace DrimCloud.Dicom;

/// <summary>A DICOM attribute tag (group, element), stored as one 32-bit value so that comparisons are cheap.</summary>
public readonly struct DicomTag : IEquatable<DicomTag>, IComparable<DicomTag>
{
    public DicomTag(uint value) => Value = value;

    public DicomTag(ushort group, ushort element) => Value = ((uint)group << 16) | element;

    public uint Value { get; }

    public ushort Group => (ushort)(Value >> 16);

    public ushort Element => (ushort)Value;

    /// <summary>Odd groups are private (PS3.5 §7.8).</summary>
    public bool IsPrivate => (Group & 1) != 0 && Group > 0x0007 && Group != 0xFFFF;

    /// <summary>(gggg,0010)–(gggg,00FF) in a private group reserve a block for a private creator.</summary>
    public bool IsPrivateCreator => IsPrivate && Element is >= 0x0010 and <= 0x00FF;

    public bool IsGroupLength => Element == 0;

    /// <summary>For a private data element (gggg,xxyy) with xx ≥ 0x10, the creator element (gggg,00xx) that owns it.</summary>
    public DicomTag PrivateCreatorTag => new(Group, (ushort)(Element >> 8));

    public static DicomTag Item => new(0xFFFEE000u);
    public static DicomTag ItemDelimitationItem => new(0xFFFEE00Du);
    public static DicomTag SequenceDelimitationItem => new(0xFFFEE0DDu);
    public static DicomTag PixelData => new(0x7FE00010u);
    public static DicomTag FloatPixelData => new(0x7FE00008u);
    public static DicomTag DoubleFloatPixelData => new(0x7FE00009u);
    public static DicomTag SpecificCharacterSet => new(0x00080005u);
    public static DicomTag TransferSyntaxUid => new(0x00020010u);
    public static DicomTag FileMetaInformationGroupLength => new(0x00020000u);

    public bool Equals(DicomTag other) => Value == other.Value;

    public override bool Equals(object? obj) => obj is DicomTag other && Equals(other);

    public override int GetHashCode() => (int)Value;

    public int CompareTo(DicomTag other) => Value.CompareTo(other.Value);

    public static bool operator ==(DicomTag left, DicomTag right) => left.Value == right.Value;
    public static bool operator !=(DicomTag left, DicomTag right) => left.Value != right.Value;
    public static bool operator <(DicomTag left, DicomTag right) => left.Value < right.Value;
    public static bool operator >(DicomTag left, DicomTag right) => left.Value > right.Value;
    public static bool operator <=(DicomTag left, DicomTag right) => left.Value <= right.Value;
    public static bool operator >=(DicomTag left, DicomTag right) => left.Value >= right.Value;

    /// <summary>"(0010,0010)", the form dcmdump prints.</summary>
    public override string ToString() => string.Create(11, Value, static (span, value) =>
    {
        span[0] = '(';
        ((ushort)(value >> 16)).TryFormat(span[1..], out _, "X4", CultureInfo.InvariantCulture);
        span[5] = ',';
        ((ushort)value).TryFormat(span[6..], out _, "X4", CultureInfo.InvariantCulture);
        span[10] = ')';
    });

    /// <summary>"00100010", the form DICOM JSON uses as a key.</summary>
    public string ToJsonKey() => Value.ToString("X8", CultureInfo.InvariantCulture);

    /// <summary>Parses "00100010", "(0010,0010)", "0010,0010" or a dictionary keyword such as "PatientName".</summary>
    public static bool TryParse(string text, out DicomTag tag)
    {
        var span = text.AsSpan().Trim();
        if (span.Length > 2 && span[0] == '(' && span[^1] == ')')
        {
            span = span[1..^1];
        }

        if (span.Length == 9 && span[4] == ','
            && ushort.TryParse(span[..4], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var g)
            && ushort.TryParse(span[5..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var e))
        {
            tag = new DicomTag(g, e);
            return true;
        }

        if (span.Length == 8 && uint.TryParse(span, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
        {
            tag = new DicomTag(v);
            return true;
        }

        return DicomDictionary.TryGetTag(text.Trim(), out tag);
    }

    public static DicomTag Parse(string text) =>
        TryParse(text, out var tag) ? tag : throw new FormatException($"'{text}' is not a DICOM tag or keyword.");
}
