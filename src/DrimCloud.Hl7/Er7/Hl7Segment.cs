using System.Text;

namespace DrimCloud.Hl7.Er7;

/// <summary>
/// One segment. Fields are kept as received (escaped) and split into repetitions, components and subcomponents only when
/// asked, so a large base64 field is never copied more than needed. Numbers are 1-based as in the standard
/// (<c>Value(3, component: 4)</c> is PID-3.4); for MSH, field 1 is the field separator and field 2 the encoding characters.
/// </summary>
public sealed class Hl7Segment
{
    private readonly string[] _fields;
    private readonly Hl7Delimiters _d;
    private readonly Encoding _encoding;

    internal Hl7Segment(string[] fields, Hl7Delimiters delimiters, Encoding encoding)
    {
        _fields = fields;
        _d = delimiters;
        _encoding = encoding;
    }

    public string Id => _fields[0];

    /// <summary>Highest field number present.</summary>
    public int FieldCount => _fields.Length - 1;

    /// <summary>The field as written in the message (still escaped), or "" when absent.</summary>
    public string Raw(int field) => field >= 1 && field < _fields.Length ? _fields[field] : "";

    /// <summary>The repetitions of a field as written (still escaped); an absent field has none.</summary>
    public IReadOnlyList<string> RawRepetitions(int field)
    {
        var raw = Raw(field);
        if (raw.Length == 0) return [];
        return IsMshHeader(field) ? [raw] : raw.Split(_d.Repetition);
    }

    public int RepetitionCount(int field) => RawRepetitions(field).Count;

    /// <summary>One subcomponent, unescaped; "" when any level is absent.</summary>
    public string Value(int field, int component = 1, int subcomponent = 1, int repetition = 1)
    {
        var reps = RawRepetitions(field);
        if (repetition < 1 || repetition > reps.Count) return "";
        return Component(reps[repetition - 1], component, subcomponent, IsMshHeader(field));
    }

    /// <summary>One subcomponent of a repetition obtained from <see cref="RawRepetitions"/>, unescaped.</summary>
    public string Component(string rawRepetition, int component = 1, int subcomponent = 1) =>
        Component(rawRepetition, component, subcomponent, verbatim: false);

    private string Component(string raw, int component, int subcomponent, bool verbatim)
    {
        if (verbatim) return component == 1 && subcomponent == 1 ? raw : "";
        var c = Nth(raw, _d.Component, component);
        var s = Nth(c, _d.Subcomponent, subcomponent);
        return Hl7Escaping.Unescape(s, _d, _encoding);
    }

    private bool IsMshHeader(int field) => field <= 2 && Id == "MSH";

    private static string Nth(string value, char separator, int n)
    {
        if (n < 1) return "";
        var start = 0;
        for (var i = 1; i < n; i++)
        {
            var next = value.IndexOf(separator, start);
            if (next < 0) return "";
            start = next + 1;
        }
        var end = value.IndexOf(separator, start);
        return end < 0 ? value[start..] : value[start..end];
    }
}
