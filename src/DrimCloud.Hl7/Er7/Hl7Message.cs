using System.Text;

namespace DrimCloud.Hl7.Er7;

/// <summary>A parsed HL7 v2 message in ER7 ("pipe") encoding. Build one with <see cref="Hl7Parser"/>.</summary>
public sealed class Hl7Message
{
    internal Hl7Message(IReadOnlyList<Hl7Segment> segments, Hl7Delimiters delimiters, Encoding encoding, string charset)
    {
        Segments = segments;
        Delimiters = delimiters;
        Encoding = encoding;
        Charset = charset;
    }

    public IReadOnlyList<Hl7Segment> Segments { get; }
    public Hl7Delimiters Delimiters { get; }

    /// <summary>The encoding the bytes were decoded with (from MSH-18), and the MSH-18 value it came from.</summary>
    public Encoding Encoding { get; }
    public string Charset { get; }

    public Hl7Segment Header => Segments[0];
    public string MessageType => Header.Value(9, 1);
    public string TriggerEvent => Header.Value(9, 2);
    public string MessageStructure => Header.Value(9, 3);
    public string ControlId => Header.Value(10);
    public string ProcessingId => Header.Value(11);
    public string Version => Header.Value(12);
    public string SendingApplication => Header.Value(3);
    public string SendingFacility => Header.Value(4);

    /// <summary><c>ORU^R01</c>-style label of the message type, for logs and reasons.</summary>
    public string TypeLabel => TriggerEvent.Length > 0 ? $"{MessageType}^{TriggerEvent}" : MessageType;

    public Hl7Segment? First(string id) => Segments.FirstOrDefault(s => s.Id == id);

    public IEnumerable<Hl7Segment> All(string id) => Segments.Where(s => s.Id == id);
}
